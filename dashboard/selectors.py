"""The learner dashboard's tabs, each one query regardless of how many rows."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils.translation import pgettext_lazy

from accounts.models import User
from submissions.models import Status, Submission
from submissions.selectors import submission_list_for_learner

TABS = {
    "drafts": (pgettext_lazy("dashboard tab", "Drafts"), (Status.DRAFT,)),
    "submitted": (
        pgettext_lazy("dashboard tab", "Submitted"),
        (Status.AWAITING_PAYMENT, Status.IN_REVIEW, Status.INCOMPLETE),
    ),
    "awarded": (pgettext_lazy("dashboard tab", "Awarded"), (Status.AWARDED,)),
    "denied": (pgettext_lazy("dashboard tab", "Denied"), (Status.DENIED,)),
}


def dashboard_counts(*, learner: User) -> dict[str, int]:
    """How many applications each tab holds, in one grouped query."""
    rows = (
        submission_list_for_learner(learner=learner, statuses=list(Status.values))
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    by_status = {row["status"]: row["n"] for row in rows}
    return {key: sum(by_status.get(s, 0) for s in statuses) for key, (_, statuses) in TABS.items()}


def dashboard_tab(*, learner: User, tab: str) -> QuerySet[Submission]:
    _, statuses = TABS[tab]
    # Awards are prefetched by id (an indexed IN lookup on one page of rows)
    # rather than joined, which PostgreSQL may plan as a scan of every award.
    rows = (
        submission_list_for_learner(learner=learner, statuses=statuses)
        .select_related("previous", "next_attempt")
        .prefetch_related("award__badge")
    )
    if tab == "denied":
        # Once the credential is awarded (to a later attempt), a denial asks
        # nothing more of the learner: the row points at the award instead.
        awarded = Submission.objects.filter(
            learner=OuterRef("learner"), credential=OuterRef("credential"), status=Status.AWARDED
        ).order_by("-decided_at", "-id")
        rows = rows.annotate(
            awarded_uuid=Subquery(awarded.values("uuid")[:1]),
            awarded_reference=Subquery(awarded.values("reference")[:1]),
        )
    return rows
