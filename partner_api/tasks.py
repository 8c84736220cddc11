"""Webhook delivery, run by Celery: one delivery per task, plus a sweep for retries."""

from celery import shared_task

from . import services


@shared_task
def deliver_webhook(delivery_id: int) -> bool:
    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task
def deliver_due_webhooks() -> int:
    return services.webhook_deliver_due()
