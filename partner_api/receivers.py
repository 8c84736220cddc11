"""Turn platform events into webhook deliveries, for consenting teachers only.

Listens without the lower apps knowing: Django's ``post_save`` for awards and
decided submissions, and programs' ``member_joined`` for accepted invitations.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse

from assessments.models import Award
from programs.cohort_selectors import partner_ids_following
from programs.services.cohorts import member_joined
from submissions.models import Status, Submission

from . import services
from .models import WebhookEvent


@receiver(post_save, sender=Award, dispatch_uid="partner_api.award_issued")
def award_issued(sender, instance: Award, created: bool, **kwargs) -> None:
    if not created or kwargs.get("raw"):
        return
    partners = partner_ids_following(
        learner_id=instance.learner_id, credential_id=instance.credential_id
    )
    if not partners:
        return
    services.webhook_emit(
        partner_ids=partners,
        event=WebhookEvent.AWARD_ISSUED,
        key=f"award:{instance.uuid}",
        data={
            "award": str(instance.uuid),
            "credential": instance.credential.slug,
            "teacher": instance.learner.email,
            "awarded_at": instance.awarded_at.isoformat(),
            "verify_url": settings.SITE_URL
            + reverse("badges:verify", kwargs={"award_uuid": instance.uuid}),
        },
    )


@receiver(post_save, sender=Submission, dispatch_uid="partner_api.submission_decided")
def submission_decided(sender, instance: Submission, **kwargs) -> None:
    if kwargs.get("raw") or instance.status not in (Status.AWARDED, Status.DENIED):
        return
    partners = partner_ids_following(
        learner_id=instance.learner_id, credential_id=instance.credential_id
    )
    if not partners:
        return
    services.webhook_emit(
        partner_ids=partners,
        event=WebhookEvent.SUBMISSION_DECIDED,
        key=f"decided:{instance.uuid}",
        data={
            "submission": str(instance.uuid),
            "credential": instance.credential.slug,
            "teacher": instance.learner.email,
            "decision": instance.status,
            "decided_at": instance.decided_at.isoformat() if instance.decided_at else None,
        },
    )


@receiver(member_joined, dispatch_uid="partner_api.member_joined")
def cohort_member_joined(sender, enrollment, **kwargs) -> None:
    services.webhook_emit(
        partner_ids=[enrollment.cohort.partner_id],
        event=WebhookEvent.MEMBER_JOINED,
        key=f"joined:{enrollment.token}:{enrollment.accepted_at.isoformat()}",
        data={
            "cohort": str(enrollment.cohort.uuid),
            "teacher": enrollment.teacher.email,
            "joined_at": enrollment.accepted_at.isoformat(),
        },
    )
