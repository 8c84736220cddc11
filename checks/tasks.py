"""Background checks on submitted applications (thin wrappers around services)."""

from celery import shared_task

from .services import duplicates


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def fingerprint_submission(submission_id: int) -> int:
    """Fingerprint a submitted application and flag shared evidence; how many flags opened."""
    return len(duplicates.submission_fingerprint(submission_id=submission_id))


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def run_precheck(precheck_id: int) -> int:
    """Run a requested completeness pre-check; how many problems it found."""
    from .services.precheck import precheck_run

    return precheck_run(precheck_id=precheck_id).problems
