"""The email outbox: stored with the change, rendered at once, delivered once."""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import EmailStatus, OutboundEmail
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission(learner):
    submission = submitted_application(learner, CredentialFactory())
    OutboundEmail.objects.all().delete()
    return submission


def _enqueue(submission, **kwargs):
    return services.email_enqueue(
        to=[submission.learner.email],
        template="submission_received",
        context={"submission": submission, "learner": submission.learner},
        **kwargs,
    )


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses the next ``failures`` sends, then accepts."""
    real_send = EmailMultiAlternatives.send
    state = {"failures": 1, "calls": 0}

    def send(message, *args, **kwargs):
        state["calls"] += 1
        if state["failures"]:
            state["failures"] -= 1
            raise SMTPException("421 4.7.0 try again later")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    return state


def test_enqueue_renders_subject_text_and_html_now(submission, learner):
    email = _enqueue(submission)

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.to == [learner.email]
    assert submission.reference in email.subject
    assert "\n" not in email.subject
    assert submission.reference in email.body_text
    assert submission.credential.title in email.body_text
    assert "<html" in email.body_html.lower() or "<p" in email.body_html
    assert submission.reference in email.body_html
    assert (email.attempts, email.sent_at, email.last_error) == (0, None, "")
    assert email.next_attempt_at == email.created_at + services.SWEEP_AFTER
    assert mail.outbox == []  # nothing is sent before the commit


def test_delivery_sends_the_stored_parts(submission, learner):
    email = _enqueue(submission)

    assert services.email_deliver(email_id=email.pk) is True

    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert message.subject == email.subject
    assert message.body == email.body_text
    assert message.alternatives[0] == (email.body_html, "text/html")
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at is not None
    assert email.attempts == 1


def test_the_email_is_handed_to_a_worker_only_after_the_commit(
    submission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        email = _enqueue(submission)
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_nothing_is_stored_or_sent_when_the_change_rolls_back(
    submission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _enqueue(submission)
            raise RuntimeError("the change failed")

    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_the_same_key_is_queued_once(submission, django_capture_on_commit_callbacks):
    key = f"submission-received:{submission.pk}"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = _enqueue(submission, key=key)
        again = _enqueue(submission, key=key)

    assert again.pk == first.pk
    assert OutboundEmail.objects.filter(key=key).count() == 1
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


def test_delivering_twice_sends_once(submission):
    email = _enqueue(submission)

    assert services.email_deliver(email_id=email.pk) is True
    assert services.email_deliver(email_id=email.pk) is False

    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_mail_server_error_leaves_it_pending_with_the_error_and_a_retry_sends_it(
    submission, failing_smtp, frozen_now
):
    email = _enqueue(submission)

    with pytest.raises(SMTPException):
        services.email_deliver(email_id=email.pk)

    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.sent_at is None
    assert email.attempts == 1
    assert email.last_error == "SMTPException: 421 4.7.0 try again later"
    assert email.last_attempt_at == frozen_now
    # The sweep picks it up again if the task's own retry is lost.
    assert email.next_attempt_at == frozen_now + services.retry_delay(1) + services.SWEEP_AFTER
    assert mail.outbox == []

    assert services.email_deliver(email_id=email.pk) is True

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1


def test_an_email_that_keeps_failing_is_marked_failed_and_staff_can_send_it_again(
    submission, failing_smtp, django_capture_on_commit_callbacks
):
    failing_smtp["failures"] = services.MAX_ATTEMPTS
    email = _enqueue(submission)
    for _ in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(SMTPException):
            services.email_deliver(email_id=email.pk)

    assert services.email_deliver(email_id=email.pk) is False  # the last attempt: no retry

    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.attempts == services.MAX_ATTEMPTS
    assert services.email_publish_due(now=timezone.now() + datetime.timedelta(days=1)) == 0

    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email_ids=[email.pk]) == 1

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_backoff_doubles_up_to_an_hour():
    delays = [services.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 3600


def test_the_sweep_hands_over_only_emails_that_are_due(submission):
    now = timezone.now()
    due = _enqueue(submission)
    sent = _enqueue(submission)
    services.email_deliver(email_id=sent.pk)
    mail.outbox.clear()
    OutboundEmail.objects.filter(pk__in=[due.pk, sent.pk]).update(
        next_attempt_at=now - datetime.timedelta(seconds=1)
    )
    fresh = _enqueue(submission)  # queued just now: its own task has a minute

    assert services.email_publish_due(now=now) == 1

    assert [m.subject for m in mail.outbox] == [due.subject]
    due.refresh_from_db()
    fresh.refresh_from_db()
    assert due.status == EmailStatus.SENT
    assert fresh.status == EmailStatus.PENDING
    assert services.email_publish_due(now=now) == 0


def test_the_sweep_waits_before_handing_over_the_same_email_again(submission, monkeypatch):
    email = _enqueue(submission)
    handed = []
    monkeypatch.setattr(services, "email_publish", lambda *, email_ids: handed.extend(email_ids))
    later = email.created_at + services.SWEEP_AFTER

    services.email_publish_due(now=later)
    services.email_publish_due(now=later + datetime.timedelta(minutes=1))
    services.email_publish_due(now=later + services.REQUEUE_AFTER)

    assert handed == [email.pk, email.pk]


def test_a_canceled_email_is_never_sent(submission):
    email = _enqueue(submission, key="assessment-assigned:7:1")
    other = _enqueue(submission, key="assessment-assigned:70:1")

    assert services.email_cancel(key_prefix="assessment-assigned:7:") == 1

    assert services.email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    other.refresh_from_db()
    assert email.status == EmailStatus.CANCELED
    assert other.status == EmailStatus.PENDING
    assert mail.outbox == []


def test_a_broker_outage_is_logged_and_the_email_stays_pending(
    submission, settings, monkeypatch, caplog
):
    from kombu.exceptions import OperationalError

    from notifications.tasks import deliver_email

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setitem(deliver_email.app.conf, "task_always_eager", False)
    monkeypatch.setattr(deliver_email, "apply_async", refuse)
    email = _enqueue(submission)

    assert services.email_publish(email_ids=[email.pk, email.pk]) == 0

    assert "Broker unavailable, 2 email(s) left pending" in caplog.text
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING


@pytest.fixture
def frozen_now():
    import time_machine

    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        yield moment


@services.email_builder
def build_greeting(params):
    """A deferred email's builder, for the tests below."""
    from submissions.models import Submission

    submission = Submission.objects.filter(pk=params["submission_id"]).first()
    if submission is None:
        return None
    return [submission.learner.email], {"submission": submission, "learner": submission.learner}


def _deferred(submission, **kwargs):
    return services.email_enqueue_deferred(
        emails=[
            services.DeferredEmail(
                template="submission_received",
                builder=f"{__name__}.build_greeting",
                params={"submission_id": submission.pk},
                **kwargs,
            )
        ]
    )[0]


def test_a_deferred_email_is_stored_now_and_rendered_when_sent(submission, learner):
    email = _deferred(submission, key="greeting")
    email.refresh_from_db()
    assert (email.status, email.subject, email.to) == (EmailStatus.PENDING, "", [])
    submission.credential.title = "Renamed Before Sending"
    submission.credential.save()

    assert services.email_deliver(email_id=email.pk) is True

    (message,) = mail.outbox
    assert message.to == [learner.email]
    assert "Renamed Before Sending" in message.body
    assert message.alternatives[0][1] == "text/html"
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert submission.reference in email.subject and email.body_html


def test_a_deferred_email_with_nothing_left_to_tell_is_canceled(submission):
    email = _deferred(submission)
    email.params = {"submission_id": 0}
    email.save()

    assert services.email_deliver(email_id=email.pk) is False

    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELED
    assert mail.outbox == []


def test_only_marked_builders_build_emails(submission):
    with pytest.raises(ValueError, match="not an @email_builder"):
        services.email_enqueue_deferred(
            emails=[
                services.DeferredEmail(
                    template="submission_received", builder="os.remove", params={}
                )
            ]
        )
