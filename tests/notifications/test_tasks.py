"""Delivery through the Celery tasks, and the sweep's django-celery-beat schedule."""

import datetime
import importlib
from smtplib import SMTPException

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from notifications import services, tasks
from notifications.models import EmailStatus, OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def email(learner):
    return OutboundEmail.objects.create(
        template="test",
        to=[learner.email],
        subject="Hello",
        body_text="Plain",
        body_html="<p>Rich</p>",
    )


def test_the_task_retries_a_mail_server_error_with_backoff(email, monkeypatch):
    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky(message, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise SMTPException("421 try again later")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)

    # Run as a worker would: the failure schedules a retry instead of raising.
    result = tasks.deliver_email.apply(args=[email.pk], throw=False)

    assert result.successful() and result.result is True
    assert len(calls) == 2
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.SENT, 2)
    assert tasks.deliver_email.retry_backoff == services.RETRY_BACKOFF
    assert SMTPException in tasks.deliver_email.autoretry_for


def test_a_redelivered_task_does_not_send_again(email):
    tasks.deliver_email.delay(email.pk)
    tasks.deliver_email.delay(email.pk)

    assert len(mail.outbox) == 1


def test_deliver_pending_sends_what_was_left_behind(email):
    OutboundEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=email.created_at - datetime.timedelta(minutes=1)
    )

    assert tasks.deliver_pending.delay().get() == 1

    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_workers_acknowledge_late_and_requeue_tasks_of_a_lost_worker():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_the_sweep_runs_every_minute_from_celery_beat():
    migration = importlib.import_module("notifications.migrations.0002_deliver_pending_schedule")
    PeriodicTask.objects.filter(name=migration.TASK_NAME).delete()

    migration.create_schedule(django_apps, None)
    migration.create_schedule(django_apps, None)  # safe to re-run

    task = PeriodicTask.objects.get(name=migration.TASK_NAME)
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "minutes")
    assert task.task == "notifications.tasks.deliver_pending"
    assert task.task in celery_app.tasks
