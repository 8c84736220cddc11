"""A badge issued for a credential may complete a stack: check once the
award's transaction commits, so a stack whose issuer cannot sign yet never
undoes the member award."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from badges.models import IssuedBadge


@receiver(post_save, sender=IssuedBadge, dispatch_uid="programs.stack_check")
def stack_check_on_badge(sender, instance: IssuedBadge, created: bool, **kwargs) -> None:
    if not created:
        return
    learner_id = instance.award.learner_id
    lineage = instance.award.credential.lineage

    def check() -> None:
        from accounts.models import User

        from .services.stacks import stacks_check

        stacks_check(learner=User.objects.get(pk=learner_id), lineage=lineage)

    transaction.on_commit(check)
