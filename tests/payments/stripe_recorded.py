"""Response shapes recorded from Stripe's API (test mode), with ids and times as parameters.

The local stub fills them in from the request it received, the way Stripe
would, so the real SDK parses exactly the structures production sees.
"""

import copy
import json

API_VERSION = "2026-10-28.endive"

CHECKOUT_SESSION = {
    "id": "cs_test_a1Jz8bOqRkJ5uX0xS2w7bQ3mYc9uE4hTnV6pL1dK0fG2sR8aW5eZ3yN7cB",
    "object": "checkout.session",
    "adaptive_pricing": {"enabled": False},
    "after_expiration": None,
    "allow_promotion_codes": None,
    "amount_subtotal": 15000,
    "amount_total": 15000,
    "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
    "billing_address_collection": None,
    "cancel_url": "http://testserver/payments/00000000-0000-0000-0000-000000000000/?canceled=1",
    "client_reference_id": None,
    "client_secret": None,
    "collected_information": None,
    "consent": None,
    "consent_collection": None,
    "created": 1764061200,
    "currency": "usd",
    "currency_conversion": None,
    "custom_fields": [],
    "custom_text": {
        "after_submit": None,
        "shipping_address": None,
        "submit": None,
        "terms_of_service_acceptance": None,
    },
    "customer": None,
    "customer_creation": "if_required",
    "customer_details": None,
    "customer_email": None,
    "discounts": [],
    "expires_at": 1764064800,
    "invoice": None,
    "invoice_creation": {
        "enabled": False,
        "invoice_data": {
            "account_tax_ids": None,
            "custom_fields": None,
            "description": None,
            "footer": None,
            "issuer": None,
            "metadata": {},
            "rendering_options": None,
        },
    },
    "livemode": False,
    "locale": None,
    "metadata": {},
    "mode": "payment",
    "origin_context": None,
    "payment_intent": None,
    "payment_link": None,
    "payment_method_collection": "if_required",
    "payment_method_configuration_details": None,
    "payment_method_options": {"card": {"request_three_d_secure": "automatic"}},
    "payment_method_types": ["card"],
    "payment_status": "unpaid",
    "permissions": None,
    "phone_number_collection": {"enabled": False},
    "recovered_from": None,
    "saved_payment_method_options": None,
    "setup_intent": None,
    "shipping_address_collection": None,
    "shipping_cost": None,
    "shipping_options": [],
    "status": "open",
    "submit_type": None,
    "subscription": None,
    "success_url": "http://testserver/payments/00000000-0000-0000-0000-000000000000/"
    "?session_id={CHECKOUT_SESSION_ID}",
    "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
    "ui_mode": "hosted",
    "url": "https://checkout.stripe.com/c/pay/cs_test_a1Jz8b#fidkdWxOYHwnPyd1blpxYHZxWjA0",
    "wallet_options": None,
}

CHARGE = {
    "id": "ch_3QxYzA2eZvKYlo2C0xYzAbCd",
    "object": "charge",
    "amount": 15000,
    "amount_captured": 15000,
    "amount_refunded": 0,
    "balance_transaction": "txn_3QxYzA2eZvKYlo2C0mNoPqRs",
    "billing_details": {
        "address": {
            "city": None,
            "country": "US",
            "line1": None,
            "line2": None,
            "postal_code": "42424",
            "state": None,
        },
        "email": "learner@example.org",
        "name": "Lee Learner",
        "phone": None,
    },
    "captured": True,
    "created": 1764061500,
    "currency": "usd",
    "customer": None,
    "description": None,
    "disputed": False,
    "failure_code": None,
    "failure_message": None,
    "livemode": False,
    "metadata": {},
    "outcome": {
        "network_status": "approved_by_network",
        "reason": None,
        "risk_level": "normal",
        "seller_message": "Payment complete.",
        "type": "authorized",
    },
    "paid": True,
    "payment_intent": "pi_3QxYzA2eZvKYlo2C0aBcDeFg",
    "payment_method": "pm_1QxYzA2eZvKYlo2CvWxYz123",
    "payment_method_details": {
        "card": {
            "amount_authorized": 15000,
            "brand": "visa",
            "checks": {
                "address_line1_check": None,
                "address_postal_code_check": "pass",
                "cvc_check": "pass",
            },
            "country": "US",
            "exp_month": 12,
            "exp_year": 2034,
            "fingerprint": "Xt5EWLLDS7FJjR1c",
            "funding": "credit",
            "last4": "4242",
            "network": "visa",
            "three_d_secure": None,
            "wallet": None,
        },
        "type": "card",
    },
    "receipt_email": None,
    "receipt_url": "https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8x",
    "refunded": False,
    "status": "succeeded",
}

PAYMENT_INTENT = {
    "id": "pi_3QxYzA2eZvKYlo2C0aBcDeFg",
    "object": "payment_intent",
    "amount": 15000,
    "amount_capturable": 0,
    "amount_received": 15000,
    "capture_method": "automatic_async",
    "client_secret": "pi_3QxYzA2eZvKYlo2C0aBcDeFg_secret_kLmNoPqRsTuV",
    "confirmation_method": "automatic",
    "created": 1764061480,
    "currency": "usd",
    "customer": None,
    "description": None,
    "last_payment_error": None,
    "latest_charge": "ch_3QxYzA2eZvKYlo2C0xYzAbCd",
    "livemode": False,
    "metadata": {},
    "payment_method": "pm_1QxYzA2eZvKYlo2CvWxYz123",
    "payment_method_types": ["card"],
    "status": "succeeded",
}

REFUND = {
    "id": "re_3QxYzA2eZvKYlo2C0rEfUnD1",
    "object": "refund",
    "amount": 15000,
    "balance_transaction": "txn_3QxYzA2eZvKYlo2C0rEfTxN1",
    "charge": "ch_3QxYzA2eZvKYlo2C0xYzAbCd",
    "created": 1764065000,
    "currency": "usd",
    "destination_details": {
        "card": {"reference_status": "pending", "type": "refund"},
        "type": "card",
    },
    "metadata": {},
    "payment_intent": "pi_3QxYzA2eZvKYlo2C0aBcDeFg",
    "reason": None,
    "receipt_number": None,
    "source_transfer_reversal": None,
    "status": "succeeded",
    "transfer_reversal": None,
}

EXPIRE_REFUSED = {
    "error": {
        "message": 'Only Checkout Sessions with a status in ["open"] can be expired.',
        "request_log_url": "https://dashboard.stripe.com/test/logs/req_8Xk2?t=1764065100",
        "type": "invalid_request_error",
    }
}

EVENT = {
    "id": "evt_1QxYzA2eZvKYlo2CqRsTuVwX",
    "object": "event",
    "api_version": API_VERSION,
    "created": 1764061510,
    "data": {"object": {}},
    "livemode": False,
    "pending_webhooks": 1,
    "request": {"id": None, "idempotency_key": None},
    "type": "checkout.session.completed",
}


def fresh(shape: dict) -> dict:
    return copy.deepcopy(shape)


def event_payload(event_type: str, obj: dict, event_id: str, created: int) -> str:
    """A webhook body serialised the way Stripe sends it (pretty-printed JSON)."""
    event = fresh(EVENT)
    event.update(id=event_id, type=event_type, created=created)
    event["data"]["object"] = copy.deepcopy(obj)
    return json.dumps(event, indent=2)
