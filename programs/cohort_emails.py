"""Builders for deferred cohort emails, run by the worker that sends them."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from notifications.services import email_builder

from .cohort_models import Enrollment, EnrollmentStatus
from .cohort_selectors import cohort_list_for, cohort_progress


def _url(name: str, **kwargs: object) -> str:
    return f"{getattr(settings, 'SITE_URL', '')}{reverse(name, kwargs=kwargs or None)}"


@email_builder
def build_nudge(params: dict) -> tuple[list[str], dict] | None:
    enrollment = (
        Enrollment.objects.select_related("cohort", "teacher")
        .filter(pk=params["enrollment"], status=EnrollmentStatus.ACCEPTED)
        .first()
    )
    if enrollment is None or enrollment.teacher is None:
        return None  # withdrew since: nothing to tell
    progress = cohort_progress(cohort=enrollment.cohort, teacher_id=enrollment.teacher_id)
    if not progress.rows:
        return None
    pending = [
        c.title
        for c, cell in zip(progress.credentials, progress.rows[0].cells, strict=True)
        if cell.stage != "awarded"
    ]
    if not pending:
        return None
    return [enrollment.teacher.email], {
        "cohort": enrollment.cohort.name,
        "due_on": enrollment.cohort.due_on,
        "pending": pending,
        "link": _url("dashboard:home"),
    }


@email_builder
def build_digest(params: dict) -> tuple[list[str], dict] | None:
    user = User.objects.filter(pk=params["user"], is_active=True).first()
    if user is None:
        return None
    cohorts = []
    for cohort in cohort_list_for(user=user):
        progress = cohort_progress(cohort=cohort)
        cohorts.append(
            {
                "name": cohort.name,
                "teachers": len(progress.rows),
                "awarded": sum(r.awarded for r in progress.rows),
                "cells": len(progress.rows) * len(progress.credentials),
                "link": _url("cohorts:dashboard", uuid=cohort.uuid),
            }
        )
    if not cohorts:
        return None
    return [user.email], {"cohorts": cohorts}
