"""The periodic SLA sweep, run by Celery (scheduled with django-celery-beat).

Assessment email is queued in the outbox by the services that cause it and
delivered by ``notifications.tasks``.
"""

from celery import shared_task

from . import services


@shared_task
def sla_sweep() -> dict:
    """The periodic SLA sweep (scheduled with django-celery-beat)."""
    result = services.sla_sweep()
    return {"reminded": result.reminded, "escalated": result.escalated}
