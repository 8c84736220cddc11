"""Periodic cohort jobs (daily nudges, weekly coach digests), run by django-celery-beat."""

from celery import shared_task

from .services import cohorts


@shared_task(name="programs.cohort_tasks.nudge_overdue")
def nudge_overdue() -> int:
    return cohorts.cohort_nudge_overdue()


@shared_task(name="programs.cohort_tasks.coach_digest")
def coach_digest() -> int:
    return cohorts.coach_digest_send()
