"""Email about applications, sent outside the request.

Tasks take an id and reload the row, so a retry sends what is true now.
"""

from smtplib import SMTPException

from celery import shared_task

from accounts.emails import send_templated_email

from .models import Submission


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_submission_received(submission_id: int) -> None:
    submission = (
        Submission.objects.select_related("learner", "credential").filter(pk=submission_id).first()
    )
    if submission is None or submission.submitted_at is None:
        return
    send_templated_email(
        to=[submission.learner.email],
        template="submission_received",
        context={"submission": submission, "learner": submission.learner},
    )
