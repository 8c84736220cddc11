"""Outgoing webhooks: signed like Stripe's, sent once per event, retried with
backoff against a real local HTTP server, replayed from admin."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.urls import reverse

from core.errors import UserFacingError
from partner_api import services
from partner_api.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from partner_api.signing import SignatureError, sign, verify
from programs.services import cohorts
from tests.accounts.factories import UserFactory
from tests.programs.cohort_fixtures import *  # noqa: F403 - the cohort fixtures
from tests.programs.cohort_fixtures import join


def documented_verify(body: bytes, header: str, secret: str, tolerance: int = 300) -> bool:
    """The receiver's snippet from docs/partner-api.md, word for word."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    signed = parts["t"].encode() + b"." + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """A local endpoint that answers with the queued statuses and keeps what it got."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                self.send_response(outer.statuses.pop(0) if outer.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver(settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    made = []

    def start(*statuses):
        made.append(Receiver(statuses))
        return made[-1]

    yield start
    for r in made:
        r.close()


def _endpoint(district, url, events=(WebhookEvent.MEMBER_JOINED,)):  # noqa: F811
    return services.webhook_endpoint_create(
        partner=district, url=url, events=[e.value for e in events], actor=None
    )


def test_signature_verifies_with_the_documented_recipe_and_rejects_tampering():
    body = b'{"type":"award.issued"}'
    header = sign(body, "whsec_x")
    assert documented_verify(body, header, "whsec_x")
    verify(body, header, "whsec_x")
    assert not documented_verify(body + b" ", header, "whsec_x")
    assert not documented_verify(body, header, "whsec_other")
    with pytest.raises(SignatureError):
        verify(body + b" ", header, "whsec_x")


def test_replayed_old_delivery_is_rejected_by_the_documented_verifier():
    body = b'{"type":"award.issued"}'
    old = sign(body, "whsec_x", timestamp=int(time.time()) - 600)
    assert not documented_verify(body, old, "whsec_x")
    with pytest.raises(SignatureError, match="replay"):
        verify(body, old, "whsec_x")


def test_endpoint_url_must_be_https_and_public(district, settings):  # noqa: F811
    settings.SAFE_FETCH_ALLOW_PRIVATE = False
    for url in ("http://partner.example.org/hook", "ftp://x.example.org/", "not a url"):
        with pytest.raises(UserFacingError):
            _endpoint(district, url)
    endpoint = _endpoint(district, "https://127.0.0.1/hook")
    services.webhook_emit(
        partner_ids=[district.pk], event=WebhookEvent.MEMBER_JOINED, key="k", data={}
    )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    services.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "private network" in delivery.last_error


def test_member_joined_is_sent_signed_and_only_for_consent(district, cohort, receiver):  # noqa: F811
    hook = receiver()
    endpoint = _endpoint(district, hook.url)
    teacher = UserFactory(email="tina@example.org")
    (enrollment,) = cohorts.enrollment_invite(cohort=cohort, emails=[teacher.email], actor=None)
    assert not WebhookDelivery.objects.exists()  # invited is not joined

    cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
    # on_commit callbacks do not run inside the test's transaction: send by hand.
    from programs.services.cohorts import member_joined

    enrollment.refresh_from_db()
    member_joined.send(sender=type(enrollment), enrollment=enrollment)
    member_joined.send(sender=type(enrollment), enrollment=enrollment)
    delivery = WebhookDelivery.objects.get()
    assert services.webhook_deliver(delivery_id=delivery.pk)
    headers, body = hook.received[0]
    assert documented_verify(body, headers["X-Signature"], endpoint.secret)
    payload = json.loads(body)
    assert payload["type"] == "cohort.member_joined"
    assert payload["id"] == str(delivery.uuid)
    assert payload["data"]["teacher"] == "tina@example.org"


def test_failed_delivery_is_retried_with_exponential_backoff(district, receiver):  # noqa: F811
    hook = receiver(500, 503, 200)
    _endpoint(district, hook.url)
    start = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        services.webhook_emit(
            partner_ids=[district.pk], event=WebhookEvent.MEMBER_JOINED, key="j:1", data={"a": 1}
        )
        delivery = WebhookDelivery.objects.get()
        assert not services.webhook_deliver(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.last_status_code == 500
        assert delivery.next_attempt_at == start + datetime.timedelta(seconds=30)

        assert services.webhook_deliver_due() == 0  # not due yet
        clock.move_to(start + datetime.timedelta(seconds=31))
        assert services.webhook_deliver_due() == 0  # 503
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == start + datetime.timedelta(seconds=31 + 60)

        clock.move_to(start + datetime.timedelta(seconds=92))
        assert services.webhook_deliver_due() == 1
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert len(hook.received) == 3
    # Every attempt carries the same payload (and id), each signed when sent.
    assert len({b for _, b in hook.received}) == 1


def test_admin_replays_a_delivery(district, receiver, client):  # noqa: F811
    hook = receiver()
    _endpoint(district, hook.url)
    services.webhook_emit(
        partner_ids=[district.pk], event=WebhookEvent.MEMBER_JOINED, key="j:2", data={}
    )
    delivery = WebhookDelivery.objects.get()
    services.webhook_deliver(delivery_id=delivery.pk)
    staff = UserFactory(email="ops@example.org", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_webhookdelivery", "change_webhookdelivery"])
    )
    client.force_login(staff)
    response = client.post(
        reverse("admin:partner_api_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    services.webhook_deliver(delivery_id=delivery.pk)
    assert len(hook.received) == 2


def test_award_and_decision_events_only_for_consenting_teachers(district, cohort, receiver):  # noqa: F811
    from django.utils import timezone

    from assessments.models import Award
    from submissions.models import Status, Submission

    hook = receiver()
    _endpoint(
        district,
        hook.url,
        events=(WebhookEvent.AWARD_ISSUED, WebhookEvent.SUBMISSION_DECIDED),
    )
    credential = cohort.credentials.first()
    shared, hidden = UserFactory(email="s@example.org"), UserFactory(email="h@example.org")
    join(cohort, shared)
    cohorts.enrollment_invite(cohort=cohort, emails=[hidden.email], actor=None)
    for user in (shared, hidden):
        submission = Submission.objects.create(
            learner=user, credential=credential, status=Status.AWARDED, decided_at=timezone.now()
        )
        Award.objects.create(
            submission=submission, learner=user, credential=credential, awarded_at=timezone.now()
        )
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["award.issued", "submission.decided"]
    assert all(
        d.payload["data"]["teacher"] == "s@example.org" for d in WebhookDelivery.objects.all()
    )
