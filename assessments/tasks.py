"""The periodic SLA sweep, run by Celery (scheduled with django-celery-beat), and
the assignment of reviews that waited for an assessor.

Assessment email is queued in the outbox by the services that cause it and
delivered by ``notifications.tasks``.
"""

import datetime

from celery import shared_task

from . import scoring, services


@shared_task
def sla_sweep() -> dict:
    """The periodic SLA sweep (scheduled with django-celery-beat)."""
    result = services.sla_sweep()
    return {
        "reminded": result.reminded,
        "escalated": result.escalated,
        "escalated_again": result.escalated_again,
        "reassigning": result.reassigning,
    }


@shared_task
def reassign_overdue_reviews(stamp: str) -> int:
    """Give the overdue reviews one sweep claimed to other assessors (queued after its commit)."""
    return services.reviews_reassign_overdue(stamp=datetime.datetime.fromisoformat(stamp))


@shared_task
def assign_waiting_reviews(
    credential_id: int | None = None, organization_id: int | None = None
) -> int:
    """Assign the reviews, and the second or adjudicating scorings, waiting in
    the reach of a new assessor scope (queued after its commit)."""
    reach = {"credential_id": credential_id, "organization_id": organization_id}
    return services.reviews_assign_waiting(**reach) + scoring.scorings_assign_waiting(**reach)
