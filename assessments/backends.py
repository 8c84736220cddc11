"""Object permissions for assessors.

The assigned assessor of a submission holds ``submissions.view_submission``
on that submission (its files included), and loses it when the review is
reassigned. Add ``assessments.backends.AssessorPermissionBackend`` to
AUTHENTICATION_BACKENDS; it never authenticates anyone.
"""

from django.contrib.auth.backends import BaseBackend

from submissions.models import Submission

from .models import Review

VIEW_SUBMISSION = "submissions.view_submission"


class AssessorPermissionBackend(BaseBackend):
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if perm != VIEW_SUBMISSION or not isinstance(obj, Submission):
            return False
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        return (
            obj.learner_id != user_obj.pk
            and Review.objects.filter(submission_id=obj.pk, assessor_id=user_obj.pk).exists()
        )
