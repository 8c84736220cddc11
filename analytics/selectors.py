"""Issuer analytics: aggregate SQL over submissions, payments and rubric
scores, per credential of one organization. A report costs a fixed number of
queries whatever the number of credentials or submissions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.models import User
from assessments.models import CriterionScore
from credentials.models import MemberRole, MicroCredential, Organization
from credentials.selectors import member_has_role, organizations_for_member
from payments.models import PAID_STATUSES, Payment
from submissions.models import Status, Submission

VIEW_ALL = "analytics.view_issuer_analytics"
STAGES = ("applied", "submitted", "paid", "decided", "awarded", "resubmitted")


@dataclass
class CredentialFigures:
    """The funnel and the money of one credential in the period."""

    credential_id: int
    title: str
    version: int
    applied: int = 0
    submitted: int = 0
    paid: int = 0
    decided: int = 0
    awarded: int = 0
    resubmitted: int = 0
    turnaround_days: float | None = None
    attempts_to_award: float | None = None
    revenue_cents: int = 0
    coupon_uses: int = 0
    discount_cents: int = 0
    criteria: list[dict[str, Any]] = field(default_factory=list)

    def stage(self, name: str) -> int:
        return int(getattr(self, name))


@dataclass
class Report:
    organization: Organization
    start: datetime.date | None
    end: datetime.date | None
    rows: list[CredentialFigures]

    @property
    def totals(self) -> dict[str, int]:
        keys = (*STAGES, "revenue_cents", "coupon_uses", "discount_cents")
        return {k: sum(int(getattr(r, k)) for r in self.rows) for k in keys}


def sees_every_organization(*, user: User) -> bool:
    """Staff granted the permission see every organization's analytics."""
    return user.has_perm(VIEW_ALL)


def organizations_visible(*, user: User) -> QuerySet[Organization]:
    """Every organization for staff granted the permission; else the ones the
    user administers."""
    if user.has_perm(VIEW_ALL):
        return Organization.objects.order_by("name")
    return organizations_for_member(user=user, roles=(MemberRole.ADMIN,)).order_by("name")


def organization_for(*, user: User, slug: str) -> Organization:
    """The organization if the user may see its analytics; 404 otherwise, so
    nobody learns which organizations exist."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not (
        user.has_perm(VIEW_ALL)
        or member_has_role(user=user, organization=organization, roles=(MemberRole.ADMIN,))
    ):
        raise Http404
    return organization


def _period(field_name: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field_name}__date__gte": start})
    if end:
        q &= Q(**{f"{field_name}__date__lte": end})
    return q


def report(
    *,
    organization: Organization,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    credential_id: int | None = None,
) -> Report:
    """The figures of each credential of the organization for applications
    started in the period (both dates included)."""
    credentials = MicroCredential.objects.filter(organization=organization).order_by(
        "title", "version"
    )
    if credential_id:
        credentials = credentials.filter(pk=credential_id)
    rows = {
        c.pk: CredentialFigures(credential_id=c.pk, title=c.title, version=c.version)
        for c in credentials.only("pk", "title", "version")
    }
    if not rows:
        return Report(organization=organization, start=start, end=end, rows=[])
    ids = list(rows)
    submissions = Submission.objects.filter(credential_id__in=ids).filter(
        _period("created_at", start, end)
    )
    decided_q = Q(status__in=(Status.AWARDED, Status.DENIED), decided_at__isnull=False)
    turnaround = ExpressionWrapper(
        F("decided_at") - F("submitted_at"), output_field=DurationField()
    )
    for item in submissions.values("credential_id").annotate(
        applied=Count("id"),
        submitted=Count("id", filter=Q(submitted_at__isnull=False)),
        decided=Count("id", filter=decided_q),
        awarded=Count("id", filter=Q(status=Status.AWARDED)),
        resubmitted=Count("id", filter=Q(previous__isnull=False)),
        turnaround=Avg(turnaround, filter=decided_q & Q(submitted_at__isnull=False)),
    ):
        row = rows[item["credential_id"]]
        for key in ("applied", "submitted", "decided", "awarded", "resubmitted"):
            setattr(row, key, item[key])
        if item["turnaround"] is not None:
            row.turnaround_days = round(item["turnaround"].total_seconds() / 86400, 1)

    # Joined straight to the applications (not ``IN`` a subquery of them), so
    # the database reads only the organization's rows of both tables.
    paid = Payment.objects.filter(
        _period("submission__created_at", start, end),
        submission__credential_id__in=ids,
        status__in=PAID_STATUSES,
    ).values("submission__credential_id")
    for item in paid.annotate(
        paid=Count("submission_id", distinct=True),
        revenue=Coalesce(Sum(F("amount_cents") - F("refunded_cents")), 0),
        coupons=Count("id", filter=Q(discount_cents__gt=0)),
        discount=Coalesce(Sum("discount_cents"), 0),
    ):
        row = rows[item["submission__credential_id"]]
        row.paid = item["paid"]
        row.revenue_cents = item["revenue"]
        row.coupon_uses = item["coupons"]
        row.discount_cents = item["discount"]

    # Attempts to award: for each awarded application, how many applications
    # the learner submitted for the credential up to and including it.
    attempts = (
        Submission.objects.filter(
            learner_id=OuterRef("learner_id"),
            credential_id=OuterRef("credential_id"),
            submitted_at__isnull=False,
            submitted_at__lte=OuterRef("submitted_at"),
        )
        .order_by()
        .values("learner_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    for item in (
        submissions.filter(status=Status.AWARDED)
        .annotate(attempts=Subquery(attempts, output_field=IntegerField()))
        .values("credential_id")
        .annotate(mean=Avg("attempts"))
    ):
        if item["mean"] is not None:
            rows[item["credential_id"]].attempts_to_award = round(float(item["mean"]), 2)

    for item in (
        CriterionScore.objects.filter(
            _period("review__submission__created_at", start, end),
            review__submission__credential_id__in=ids,
            review__submission__status__in=(Status.AWARDED, Status.DENIED),
            review__submission__decided_at__isnull=False,
            met__isnull=False,
        )
        .values("review__submission__credential_id", "criterion_id", "title")
        .annotate(scored=Count("id"), met=Count("id", filter=Q(met=True)))
        .order_by("review__submission__credential_id", "criterion_id")
    ):
        rows[item["review__submission__credential_id"]].criteria.append(
            {
                "title": item["title"],
                "scored": item["scored"],
                "met": item["met"],
                "rate": round(100 * item["met"] / item["scored"]) if item["scored"] else None,
            }
        )
    return Report(organization=organization, start=start, end=end, rows=list(rows.values()))
