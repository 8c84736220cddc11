"""Receipts by email and the periodic reconciliation, through their Celery tasks."""

import importlib
from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from notifications.models import EmailStatus, OutboundEmail
from payments import services, tasks
from payments.models import PaymentStatus
from payments.services import attempts
from tests.payments.factories import CouponFactory, awaiting_payment

pytestmark = pytest.mark.django_db


def _paid_in_test_mode(learner, **kwargs):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner, **kwargs)
    return services.payment_test_checkout_complete(
        payment=payment, actor=learner, card_number="4242424242424242"
    )


def test_receipt_email_is_queued_on_commit_with_every_receipt_detail(
    learner, django_capture_on_commit_callbacks
):
    CouponFactory(code="HALF", percent_off=50)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        payment = _paid_in_test_mode(learner, coupon_code="HALF")

    assert callbacks, "the receipt waits for the payment to commit"
    [email] = [m for m in mail.outbox if "Receipt" in m.subject]
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert payment.receipt_number in part
        assert payment.submission.reference in part
        assert "$75.00" in part  # amount paid
        assert "HALF" in part
        assert "Visa ending in 4242 (test mode)" in part
        assert timezone.localtime(payment.completed_at).strftime("%Y") in part
    assert email.to == [learner.email]


def test_no_receipt_is_sent_when_the_payment_rolls_back(learner, monkeypatch):
    payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)

    def broken(**kwargs):
        raise RuntimeError("assignment failed")

    monkeypatch.setattr(attempts, "submission_mark_paid", broken)
    with pytest.raises(RuntimeError):
        services.payment_test_checkout_complete(
            payment=payment, actor=learner, card_number="4242424242424242"
        )

    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not [m for m in mail.outbox if "Receipt" in m.subject]


def test_receipt_is_sent_once_however_often_the_task_runs(
    learner, django_capture_on_commit_callbacks
):
    payment = _paid_in_test_mode(learner)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_payment_receipt.delay(payment.pk)
        tasks.send_payment_receipt.delay(payment.pk)

    assert len([m for m in mail.outbox if payment.receipt_number in m.subject]) == 1
    assert OutboundEmail.objects.filter(key=f"payment-receipt:{payment.pk}").count() == 1


def test_receipt_delivery_retries_after_a_mail_server_error(
    learner, monkeypatch, django_capture_on_commit_callbacks
):
    payment = _paid_in_test_mode(learner)
    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPException("421 try again later")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)

    # The outbox's task retries the first failure (in-process here, as eager).
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_payment_receipt.delay(payment.pk).get() is True

    assert len(calls) == 2
    assert len([m for m in mail.outbox if payment.receipt_number in m.subject]) == 1
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
    email = OutboundEmail.objects.get(key=f"payment-receipt:{payment.pk}")
    assert email.status == EmailStatus.SENT and email.attempts == 2
    assert "421 try again later" in email.last_error


def test_a_receipt_whose_task_was_lost_is_queued_by_the_reconciliation(learner):
    with time_machine.travel(timezone.now() - timedelta(minutes=10), tick=False):
        payment = _paid_in_test_mode(learner)  # its receipt task never runs here

    result = tasks.reconcile_pending_payments.delay().get()

    assert result["receipts"] == 1
    payment.refresh_from_db()
    assert payment.receipt_sent_at is not None
    assert OutboundEmail.objects.filter(
        key=f"payment-receipt:{payment.pk}", status=EmailStatus.PENDING
    ).exists()
    assert tasks.reconcile_pending_payments.delay().get()["receipts"] == 0


def test_reconciliation_task_settles_stale_payments(stripe_stub, learner):
    with time_machine.travel(timezone.now() - timedelta(hours=1), tick=False):
        payment = services.payment_start(submission=awaiting_payment(learner), actor=learner)
    stripe_stub.pay(payment.stripe_checkout_session_id)

    result = tasks.reconcile_pending_payments.delay().get()

    assert result["succeeded"] == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_reconciliation_is_scheduled_in_celery_beat_and_editable_in_admin():
    migration = importlib.import_module("payments.migrations.0002_reconcile_schedule")
    PeriodicTask.objects.filter(name=migration.TASK_NAME).delete()

    migration.create_schedule(django_apps, None)
    migration.create_schedule(django_apps, None)  # safe to re-run

    task = PeriodicTask.objects.get(name=migration.TASK_NAME)
    assert task.enabled
    assert task.interval.every == 10 and task.interval.period == "minutes"
    assert task.task in celery_app.tasks
