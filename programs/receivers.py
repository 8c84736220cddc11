"""A badge issued for a credential may complete a stack: check once the
award's transaction commits, so a stack whose issuer cannot sign yet never
undoes the member award."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from badges.models import IssuedBadge
from badges.signals import status_list_revoked
from credentials.signals import catalog_stack


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


@receiver(catalog_stack, dispatch_uid="programs.catalog_stack")
def catalog_stack_members(sender, slug: str, **kwargs) -> tuple[str, list] | None:
    """The catalog's ``?stack=`` filter: the stack's title and member lineages."""
    from .models import MemberKind, Stack

    stack = Stack.objects.filter(slug=slug, is_published=True).first()
    if stack is None:
        return None
    lineages = list(
        stack.members.filter(kind=MemberKind.CREDENTIAL).values_list("lineage", flat=True)
    )
    return stack.title, lineages


@receiver(status_list_revoked, dispatch_uid="programs.stack_awards_revoked")
def revoked_stack_awards(sender, status_list, **kwargs) -> list[int]:
    """The indexes of revoked stack awards in one of badges' status lists."""
    from .models import StackAward

    return list(
        StackAward.objects.filter(status_list=status_list, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
