"""The learner dashboard's tabs, each one query regardless of how many rows."""

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.utils.translation import pgettext_lazy

from accounts.models import User
from assessments.models import Award
from credentials.models import Favorite
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
FAVORITES = "favorites"
# Long texts a row never shows: left in the database rather than sent for
# every row of every page.
UNSHOWN = (
    "rubric_snapshot",
    "collaborators",
    "resubmission_note",
    "credential__overview",
    "credential__competency",
    "credential__key_method",
    "credential__method_components",
    "credential__research",
    "credential__evidence_instructions",
    "credential__organization__description",
)


def dashboard_counts(*, learner: User) -> dict[str, int]:
    """How many applications each tab holds and how many favorites (published
    credentials only, as the favorites tab lists them), in one query: the
    learner's applications grouped by status, and the favorites counted
    alongside."""
    by_status = (
        Submission.objects.filter(learner=learner)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    favorites = (
        Favorite.objects.filter(user=learner, credential__is_published=True)
        .order_by()
        .annotate(key=Value(FAVORITES))
        .values_list("key")
        .annotate(n=Count("id"))
    )
    counted = dict(by_status.union(favorites, all=True))
    counts = {key: sum(counted.get(s, 0) for s in statuses) for key, (_, statuses) in TABS.items()}
    counts[FAVORITES] = counted.get(FAVORITES, 0)
    return counts


def dashboard_tab(*, learner: User, tab: str) -> QuerySet[Submission]:
    """One tab's rows, each carrying what its row shows: awarded rows their award
    and badge (one query for the page's rows), denied rows the attempt that
    followed and the award a later attempt earned."""
    _, statuses = TABS[tab]
    rows = submission_list_for_learner(learner=learner, statuses=statuses).defer(*UNSHOWN)
    if tab == "awarded":
        # By id (an indexed IN lookup on one page of rows) rather than joined,
        # which PostgreSQL may plan as a scan of every award; the badge comes
        # with its award.
        rows = rows.prefetch_related(
            Prefetch("award", queryset=Award.objects.select_related("badge"))
        )
    if tab == "denied":
        # Once the credential is awarded (to a later attempt), a denial asks
        # nothing more of the learner: the row points at the award instead.
        awarded = Submission.objects.filter(
            learner=OuterRef("learner"), credential=OuterRef("credential"), status=Status.AWARDED
        ).order_by("-decided_at", "-id")
        rows = rows.select_related("next_attempt").annotate(
            awarded_uuid=Subquery(awarded.values("uuid")[:1]),
            awarded_reference=Subquery(awarded.values("reference")[:1]),
        )
    return rows
