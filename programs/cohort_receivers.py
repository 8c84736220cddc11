"""Keeps a cohort code for the cohort's accepted members (payments asks through a
signal), and retires a cohort's kept summary and table pages when what they show changes."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from credentials.models import MicroCredential
from payments.exceptions import CouponInvalid
from payments.signals import coupon_checking
from submissions.models import Submission

from .cohort_models import Cohort, Enrollment
from .cohort_selectors import (
    cohort_ids_following,
    cohort_ids_of_credential,
    cohort_ids_of_teacher,
    cohort_is_member,
)
from .cohort_versions import cohorts_changed, teachers_changed


@receiver(coupon_checking, dispatch_uid="programs.cohort_code_members_only")
def cohort_code_members_only(sender, *, coupon, submission, learner, **kwargs) -> None:
    # To anyone else the code does not exist: it says nothing about the cohort.
    if cohort_is_member(coupon_id=coupon.pk, learner_id=learner.pk) is False:
        raise CouponInvalid()


# --- the dashboard's kept summary and table pages (``cohort_versions``) ---------------------

# Saves limited to these fields leave what a summary and the table show as they were.
_ENROLLMENT_BOOKKEEPING = frozenset({"last_nudged_on"})
# What an attempt shows: its stage (which attempt counts) and the table's dates.
_ATTEMPT_FIELDS = frozenset(
    {"status", "learner", "credential", "created_at", "submitted_at", "decided_at"}
)
# What the table shows of a teacher.
_TEACHER_FIELDS = frozenset({"name", "email"})


@receiver(post_save, sender=Enrollment, dispatch_uid="programs.cohort_enrollment_saved")
def enrollment_saved(sender, instance: Enrollment, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields and set(update_fields) <= _ENROLLMENT_BOOKKEEPING):
        return
    cohorts_changed([instance.cohort_id])


@receiver(post_delete, sender=Enrollment, dispatch_uid="programs.cohort_enrollment_deleted")
def enrollment_deleted(sender, instance: Enrollment, **kwargs) -> None:
    cohorts_changed([instance.cohort_id])


@receiver(
    m2m_changed, sender=Cohort.credentials.through, dispatch_uid="programs.cohort_credentials"
)
def cohort_credentials_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:  # from the cohort's side
        if action != "pre_clear":
            cohorts_changed([instance.pk])
    elif action == "pre_clear":  # from a credential's side: its cohorts, while known
        cohorts_changed(cohort_ids_of_credential(credential_id=instance.pk))
    elif action != "post_clear":
        cohorts_changed(pk_set or ())


def _after_commit(find) -> None:  # noqa: ANN001
    """Bump the cohorts ``find`` returns once the transaction commits (the
    look-up costs a query, so the write itself pays nothing)."""
    transaction.on_commit(lambda: cohorts_changed(find()))


@receiver(post_save, sender=Submission, dispatch_uid="programs.cohort_attempt_saved")
def attempt_saved(sender, instance: Submission, update_fields=None, raw=False, **kwargs) -> None:
    if raw or (update_fields and not set(update_fields) & _ATTEMPT_FIELDS):
        return
    learner_id, credential_id = instance.learner_id, instance.credential_id
    _after_commit(lambda: cohort_ids_following(learner_id=learner_id, credential_id=credential_id))


@receiver(post_delete, sender=Submission, dispatch_uid="programs.cohort_attempt_deleted")
def attempt_deleted(sender, instance: Submission, **kwargs) -> None:
    learner_id, credential_id = instance.learner_id, instance.credential_id
    _after_commit(lambda: cohort_ids_following(learner_id=learner_id, credential_id=credential_id))


@receiver(post_save, sender=MicroCredential, dispatch_uid="programs.cohort_credential_saved")
def credential_saved(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    # The summary shows a credential's title only.
    if raw or (update_fields and "title" not in update_fields):
        return
    credential_id = instance.pk
    _after_commit(lambda: cohort_ids_of_credential(credential_id=credential_id))


@receiver(post_save, sender=User, dispatch_uid="programs.cohort_teacher_saved")
def teacher_saved(
    sender, instance: User, created=False, update_fields=None, raw=False, **kwargs
) -> None:
    # A sign-in stamps last_login: most saves change nothing a table shows, and a
    # new account is in no cohort yet.
    if raw or created or (update_fields and not set(update_fields) & _TEACHER_FIELDS):
        return
    teacher_id = instance.pk
    transaction.on_commit(lambda: teachers_changed(cohort_ids_of_teacher(teacher_id=teacher_id)))
