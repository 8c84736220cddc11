"""A local Stripe: a tiny HTTP server answering the real SDK with recorded shapes.

``stripe_stub`` starts it and points settings at it (keys, API base, no
network retries); ``stripe_stub.requests`` lists what the SDK sent, with the
form body decoded and the headers, so tests assert on amounts, metadata and
the Idempotency-Key. ``signed_webhook`` posts events signed exactly as Stripe
signs them.
"""

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe
from django.urls import reverse

from tests.payments import stripe_recorded as recorded

WEBHOOK_SECRET = "whsec_test_6b3f0e1d2c4a5b6c7d8e9f00112233445566778899aabbcc"
SECRET_KEY = "sk_test_51LocalStubKey0000000000000000000000000000000000"


@dataclass
class SeenRequest:
    method: str
    path: str
    headers: dict
    form: dict
    query: dict


@dataclass
class StripeStub:
    url: str = ""
    requests: list = field(default_factory=list)
    sessions: dict = field(default_factory=dict)
    by_key: dict = field(default_factory=dict)
    fail_with: tuple | None = None  # (status, body) for every following request

    def posts(self, path_start: str) -> list[SeenRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.startswith(path_start)]

    def pay(self, session_id: str, *, last4: str = "4242", brand: str = "visa") -> dict:
        """What Stripe's hosted page does when the learner pays: the session completes."""
        session = self.sessions[session_id]
        intent_id = "pi_" + uuid.uuid4().hex[:24]
        session.update(status="complete", payment_status="paid", payment_intent=intent_id)
        session["customer_details"] = {"email": session.get("customer_email"), "name": "Lee"}
        session["_card"] = (brand, last4)
        return self.public(session)

    def expire(self, session_id: str) -> dict:
        self.sessions[session_id].update(status="expired")
        return self.public(self.sessions[session_id])

    def public(self, session: dict, expand: tuple = ()) -> dict:
        body = {k: v for k, v in session.items() if not k.startswith("_")}
        if "payment_intent.latest_charge" in expand and body.get("payment_intent"):
            intent = recorded.fresh(recorded.PAYMENT_INTENT)
            charge = recorded.fresh(recorded.CHARGE)
            brand, last4 = session["_card"]
            charge["payment_method_details"]["card"].update(brand=brand, last4=last4)
            charge.update(amount=body["amount_total"], payment_intent=body["payment_intent"])
            intent.update(id=body["payment_intent"], amount=body["amount_total"])
            intent["latest_charge"] = charge
            body["payment_intent"] = intent
        return body


def _nested(form: dict, prefix: str) -> dict:
    return {k[len(prefix) + 1 : -1]: v for k, v in form.items() if k.startswith(prefix + "[")}


def _handler(stub: StripeStub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_" + uuid.uuid4().hex[:14])
            self.end_headers()
            self.wfile.write(data)

        def _record(self) -> SeenRequest:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            seen = SeenRequest(
                method=self.command,
                path=parts.path,
                headers={k.lower(): v for k, v in self.headers.items()},
                form=dict(parse_qsl(body, keep_blank_values=True)),
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            )
            stub.requests.append(seen)
            return seen

        def do_GET(self):  # noqa: N802
            seen = self._record()
            if stub.fail_with:
                return self._reply(*stub.fail_with)
            session_id = seen.path.rsplit("/", 1)[-1]
            if seen.path.startswith("/v1/checkout/sessions/") and session_id in stub.sessions:
                expand = tuple(v for k, v in seen.query.items() if k.startswith("expand"))
                return self._reply(200, stub.public(stub.sessions[session_id], expand))
            return self._reply(
                404,
                {"error": {"type": "invalid_request_error", "message": "No such checkout.session"}},
            )

        def do_POST(self):  # noqa: N802
            seen = self._record()
            if stub.fail_with:
                return self._reply(*stub.fail_with)
            key = seen.headers.get("idempotency-key")
            if key and key in stub.by_key:
                return self._reply(200, stub.by_key[key])
            if seen.path == "/v1/checkout/sessions":
                body = self._create_session(seen.form)
            elif seen.path.startswith("/v1/checkout/sessions/") and seen.path.endswith("/expire"):
                session = stub.sessions[seen.path.split("/")[4]]
                if session["status"] != "open":
                    return self._reply(400, recorded.EXPIRE_REFUSED)
                body = stub.expire(session["id"])
            elif seen.path == "/v1/refunds":
                body = recorded.fresh(recorded.REFUND)
                body.update(
                    id="re_" + uuid.uuid4().hex[:24],
                    amount=int(seen.form["amount"]),
                    payment_intent=seen.form["payment_intent"],
                    metadata=_nested(seen.form, "metadata"),
                )
            else:
                return self._reply(404, {"error": {"type": "invalid_request_error"}})
            if key:
                stub.by_key[key] = body
            return self._reply(200, body)

        def _create_session(self, form: dict) -> dict:
            session = recorded.fresh(recorded.CHECKOUT_SESSION)
            session_id = "cs_test_" + uuid.uuid4().hex
            amount = int(form["line_items[0][price_data][unit_amount]"])
            session.update(
                id=session_id,
                amount_subtotal=amount,
                amount_total=amount,
                currency=form["line_items[0][price_data][currency]"],
                client_reference_id=form.get("client_reference_id"),
                customer_email=form.get("customer_email"),
                metadata=_nested(form, "metadata"),
                expires_at=int(form["expires_at"]),
                success_url=form["success_url"],
                cancel_url=form["cancel_url"],
                created=int(time.time()),
                url=f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpx",
            )
            stub.sessions[session_id] = session
            return session

    return Handler


@pytest.fixture(scope="session")
def _stripe_server():
    stub = StripeStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield stub
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_stub(_stripe_server, settings):
    stub = _stripe_server
    stub.requests.clear()
    stub.sessions.clear()
    stub.by_key.clear()
    stub.fail_with = None
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_STRIPE_API_BASE = stub.url
    settings.PAYMENTS_STRIPE_MAX_NETWORK_RETRIES = 0
    settings.PAYMENTS_STRIPE_TIMEOUT_SECONDS = 5
    return stub


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret, timestamp=int(time.time()) if timestamp is None else timestamp
    )


@pytest.fixture
def signed_webhook(client):
    """``signed_webhook(type, obj, event_id=...)`` posts a signed event, returns the response."""

    def post(event_type, obj, *, event_id=None, secret=WEBHOOK_SECRET, timestamp=None):
        payload = recorded.event_payload(
            event_type,
            obj,
            event_id or "evt_" + uuid.uuid4().hex[:24],
            int(time.time()),
        )
        return client.post(
            reverse("payments:stripe_webhook"),
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(payload, secret=secret, timestamp=timestamp),
        )

    return post
