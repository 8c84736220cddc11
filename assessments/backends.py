"""Permissions for assessors.

The assigned assessor of a submission, and each assessor holding one of
its review's scorings, hold ``submissions.view_submission`` on that
submission (its files included), and lose it when reassigned. Every
assessor, and staff who oversee reviews, hold
``assessments.review_queue`` (no Permission row, so no group hands it out):
apps below assessments, like accounts' two-factor rule, ask
``user.has_perm(...)`` instead of importing this app.
Add ``assessments.backends.AssessorPermissionBackend`` to
AUTHENTICATION_BACKENDS; it never authenticates anyone.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q
from django.http import HttpRequest

from accounts.models import User
from accounts.selectors import REVIEW_QUEUE_PERMISSION
from submissions.models import Submission

from . import selectors
from .models import Review

VIEW_SUBMISSION = "submissions.view_submission"


class AssessorPermissionBackend(BaseBackend):
    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        return None

    def has_perm(
        self, user_obj: AbstractBaseUser | AnonymousUser, perm: str, obj: Model | None = None
    ) -> bool:
        if perm == REVIEW_QUEUE_PERMISSION:
            return (
                obj is None
                and isinstance(user_obj, User)
                and user_obj.is_active
                and selectors.is_assessor(user_obj)
            )
        if perm != VIEW_SUBMISSION or not isinstance(obj, Submission):
            return False
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        # The review's assessor, or whoever holds one of its scorings (second,
        # sampled, adjudicating): they read the whole application.
        return (
            obj.learner_id != user_obj.pk
            and Review.objects.filter(submission_id=obj.pk)
            .filter(Q(assessor_id=user_obj.pk) | Q(scorings__assessor_id=user_obj.pk))
            .exists()
        )
