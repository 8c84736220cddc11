"""Badge email, run by Celery.

Tasks take an id, reload the row and send what is true now; they retry with
backoff on mail-server errors.
"""

from smtplib import SMTPException

from celery import shared_task

from accounts.emails import send_templated_email

from . import documents
from .models import IssuedBadge

EMAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**EMAIL_RETRY)
def send_revocation_email(badge_id: int) -> None:
    """Tell the learner their badge was revoked, and why."""
    badge = (
        IssuedBadge.objects.select_related(
            "award", "award__learner", "award__credential", "award__credential__organization"
        )
        .filter(pk=badge_id, revoked_at__isnull=False)
        .first()
    )
    if badge is None:
        return
    award = badge.award
    send_templated_email(
        to=[award.learner.email],
        template="badge_revoked",
        context={
            "learner": award.learner,
            "badge": badge,
            "credential": award.credential,
            "organization": award.credential.organization,
            "reason": badge.revocation_reason,
            "public_url": documents.public_url(award),
        },
    )
