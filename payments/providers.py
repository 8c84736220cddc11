"""Where a card payment happens: Stripe Checkout, or the local test-mode stand-in.

Card payments use Stripe **Checkout Sessions** (not a PaymentIntent driven by
the Payment Element on our own page), because:

- our pages work without JavaScript; Checkout is a plain redirect to a page
  Stripe hosts, so no Stripe.js runs on our pages and card data never touches
  them (the lightest PCI scope);
- one server call fixes everything that matters: the amount computed here,
  the currency, a line item naming the credential and submission, our payment
  id as ``client_reference_id`` and metadata, and the idempotency key;
- Stripe's page handles 3-D Secure, declines and retries, wallets and
  localisation with no code of ours;
- a session has an expiry (``expires_at``), which bounds how long a coupon
  use is held for an unfinished checkout, and ``checkout.session.*`` webhook
  events report completed, expired and asynchronous outcomes by session.

Checkout creates the PaymentIntent itself; its id is stored for refunds, and
the card brand and last four digits are read from its latest charge.

With no STRIPE_SECRET_KEY the test-mode provider stands in (when settings
allow it): its "checkout page" is ours, clearly labelled, and completing it
goes through the same service as a Stripe webhook.
"""

from __future__ import annotations

import uuid as uuid_lib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from . import client
from .exceptions import CardDeclined, ProviderError
from .models import Payment, PaymentStatus, Provider

# Cards the test-mode page understands, as on Stripe's test cards page.
TEST_DECLINED_CARD = "4000000000000002"
TEST_CARD_BRANDS = {"4": "visa", "5": "mastercard", "3": "amex", "6": "discover"}


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str


@dataclass(frozen=True)
class SessionState:
    """What Stripe knows about one Checkout Session."""

    session_id: str
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int | None = None
    currency: str = ""
    payment_intent_id: str = ""
    card_brand: str = ""
    card_last4: str = ""
    client_reference_id: str = ""

    @property
    def paid(self) -> bool:
        return self.payment_status == "paid"

    @property
    def expired(self) -> bool:
        return self.status == "expired"


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # pending | succeeded | failed | ...


def session_state(session: dict) -> SessionState:
    """Read a checkout.session object (from the API or from a webhook event)."""
    intent = session.get("payment_intent")
    intent_id = intent.get("id", "") if isinstance(intent, dict) else (intent or "")
    brand = last4 = ""
    if isinstance(intent, dict):
        charge = intent.get("latest_charge")
        if isinstance(charge, dict):
            card = (charge.get("payment_method_details") or {}).get("card") or {}
            brand, last4 = card.get("brand") or "", card.get("last4") or ""
    return SessionState(
        session_id=session.get("id", ""),
        status=session.get("status") or "",
        payment_status=session.get("payment_status") or "",
        amount_total=session.get("amount_total"),
        currency=(session.get("currency") or "").lower(),
        payment_intent_id=intent_id,
        card_brand=brand,
        card_last4=last4,
        client_reference_id=session.get("client_reference_id") or "",
    )


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class StripeProvider:
    name = Provider.STRIPE
    is_test_mode = False

    def create_checkout(self, payment: Payment) -> Checkout:
        expires_at = payment.expires_at
        if expires_at is None:  # every attempt gets its expiry when it is created
            raise ProviderError(f"{payment.receipt_number} has no checkout expiry.")
        submission = payment.submission
        checkout_url = reverse("payments:checkout", kwargs={"uuid": submission.uuid})
        metadata = {
            "payment_uuid": str(payment.uuid),
            "receipt_number": payment.receipt_number,
            "submission_reference": submission.reference,
            "submission_uuid": str(submission.uuid),
        }
        coupon = payment.coupon
        if coupon is not None:
            metadata["coupon"] = coupon.code
        product = {"name": payment.description}
        if coupon is not None and payment.discount_cents:
            product["description"] = (
                f"Coupon {coupon.code}: {coupon.discount_label} "
                f"(fee {payment.fee_cents / 100:.2f} {payment.currency.upper()})"
            )
        params = {
            "mode": "payment",
            "payment_method_types": ["card"],
            "client_reference_id": str(payment.uuid),
            "customer_email": payment.learner.email,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency,
                        "unit_amount": payment.amount_cents,
                        "product_data": product,
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"description": payment.description, "metadata": metadata},
            # Derived from the stored attempt so a retry with the same key sends the same body.
            "expires_at": int(expires_at.timestamp()),
            "success_url": _absolute(checkout_url) + "?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": _absolute(checkout_url) + "?canceled=1",
        }
        session = client.checkout_session_create(params=params, idempotency_key=str(payment.uuid))
        if not session.get("id") or not session.get("url"):
            raise ProviderError("Stripe returned a Checkout Session without an id or url.")
        return Checkout(session_id=session["id"], url=session["url"])

    def retrieve(self, session_id: str) -> SessionState:
        session = client.checkout_session_retrieve(
            session_id=session_id, expand=["payment_intent.latest_charge"]
        )
        return session_state(session)

    def expire(self, session_id: str) -> SessionState:
        """Close an open session so it can no longer be paid; report its final state."""
        try:
            return session_state(client.checkout_session_expire(session_id=session_id))
        except ProviderError:
            # Already complete or expired: Stripe refuses to expire it; ask what it is.
            return self.retrieve(session_id)

    def refund(self, *, payment: Payment, amount_cents: int, idempotency_key: str) -> RefundResult:
        refund = client.refund_create(
            params={
                "payment_intent": payment.stripe_payment_intent_id,
                "amount": amount_cents,
                "metadata": {
                    "payment_uuid": str(payment.uuid),
                    "receipt_number": payment.receipt_number,
                },
            },
            idempotency_key=idempotency_key,
        )
        return RefundResult(refund_id=refund["id"], status=refund.get("status") or "pending")


class TestModeProvider:
    """Stands in for Stripe on a machine with no keys; never charges anything."""

    __test__ = False  # not a pytest class, despite its name
    name = Provider.TEST
    is_test_mode = True

    def create_checkout(self, payment: Payment) -> Checkout:
        return Checkout(
            session_id=f"test_cs_{payment.uuid.hex}",
            url=reverse("payments:test_checkout", kwargs={"uuid": payment.uuid}),
        )

    def retrieve(self, session_id: str) -> SessionState:
        payment = Payment.objects.filter(stripe_checkout_session_id=session_id).first()
        if payment is None:
            raise ProviderError(f"No test-mode session {session_id}.")
        if payment.is_paid:
            status, paid = "complete", "paid"
        elif payment.status != PaymentStatus.PENDING or (
            payment.expires_at and payment.expires_at <= timezone.now()
        ):
            status, paid = "expired", "unpaid"
        else:
            status, paid = "open", "unpaid"
        return SessionState(
            session_id=session_id,
            status=status,
            payment_status=paid,
            amount_total=payment.amount_cents,
            currency=payment.currency,
            payment_intent_id=payment.stripe_payment_intent_id,
            card_brand=payment.card_brand,
            card_last4=payment.card_last4,
            client_reference_id=str(payment.uuid),
        )

    def expire(self, session_id: str) -> SessionState:
        state = self.retrieve(session_id)
        if state.status == "open":
            return SessionState(session_id=session_id, status="expired", payment_status="unpaid")
        return state

    def charge(self, *, payment: Payment, card_number: str) -> SessionState:
        """Pretend to charge a card: the decline test card is declined, any other succeeds."""
        digits = "".join(ch for ch in card_number if ch.isdigit())
        if digits == TEST_DECLINED_CARD:
            raise CardDeclined()
        return SessionState(
            session_id=payment.stripe_checkout_session_id or f"test_cs_{payment.uuid.hex}",
            status="complete",
            payment_status="paid",
            amount_total=payment.amount_cents,
            currency=payment.currency,
            payment_intent_id=f"test_pi_{payment.uuid.hex}",
            card_brand=TEST_CARD_BRANDS.get(digits[:1], "card"),
            card_last4=digits[-4:],
            client_reference_id=str(payment.uuid),
        )

    def refund(self, *, payment: Payment, amount_cents: int, idempotency_key: str) -> RefundResult:
        return RefundResult(
            refund_id=f"test_re_{uuid_lib.UUID(idempotency_key).hex}", status="succeeded"
        )


def _test_mode_refused() -> bool:
    return not settings.STRIPE_SECRET_KEY and not settings.PAYMENTS_ALLOW_TEST_MODE


def check_configuration() -> None:
    """Refuse to start where card payments would silently be fake or unverifiable."""
    if _test_mode_refused():
        raise ImproperlyConfigured(
            "STRIPE_SECRET_KEY is empty and PAYMENTS_ALLOW_TEST_MODE is off: "
            "set the Stripe keys (test-mode payments are refused in production)."
        )
    if (
        settings.STRIPE_SECRET_KEY
        and not settings.STRIPE_WEBHOOK_SECRET
        and not settings.PAYMENTS_ALLOW_TEST_MODE
    ):
        raise ImproperlyConfigured(
            "STRIPE_WEBHOOK_SECRET is empty: payments could never be confirmed."
        )


PaymentProvider = StripeProvider | TestModeProvider


def get_provider() -> PaymentProvider:
    """The provider new payments use: Stripe when a key is set, else test mode if allowed."""
    if settings.STRIPE_SECRET_KEY:
        return StripeProvider()
    check_configuration()
    return TestModeProvider()


def provider_for(payment: Payment) -> PaymentProvider:
    """The provider that holds an existing payment attempt."""
    if payment.provider == Provider.TEST:
        if _test_mode_refused():
            check_configuration()
        return TestModeProvider()
    return StripeProvider()
