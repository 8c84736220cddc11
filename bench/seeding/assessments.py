"""Assessments in bulk: assessors' scopes, and the review of each application in
or past review (its assignment, rubric scores and, once awarded, the award), with
the SLA dates the assessment services would have set."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from assessments.business_days import add_business_days
from assessments.models import (
    AssessorScope,
    Assignment,
    Award,
    CriterionScore,
    Outcome,
    Review,
    ReviewState,
)
from assessments.selectors import sla_business_days
from assessments.services import sla_dates
from submissions.models import Status, Submission

from .badges import Badges
from .base import Bulk
from .credentials import CredentialInfo
from .submissions import Attempt

# Why each seeded review has its assessor.
ASSIGNED = "Automatic: least loaded"
# An assessor's feedback on a criterion not met.
FEEDBACK = "Show how the evidence connects to the criterion."


def scopes(
    bulk: Bulk, assessor_ids: list[int], organization_ids: list[int]
) -> dict[int, list[int]]:
    """Each assessor holds a scope on one organization (a few on a second one);
    return the assessors of each organization."""
    by_org: dict[int, list[int]] = {org_id: [] for org_id in organization_ids}
    rows = []
    for i, user_id in enumerate(assessor_ids):
        orgs = [organization_ids[i % len(organization_ids)]]
        if bulk.rng.random() < 0.2:
            orgs.append(bulk.rng.choice(organization_ids))
        for org_id in set(orgs):
            rows.append(AssessorScope(user_id=user_id, organization_id=org_id))
            by_org[org_id].append(user_id)
    bulk.write(AssessorScope, rows)
    return by_org


class Reviews:
    def __init__(self, bulk: Bulk, badges: Badges, assessors_by_org: dict[int, list[int]]) -> None:
        self.bulk, self.badges, self.assessors_by_org = bulk, badges, assessors_by_org
        self._rules: dict[int, tuple[str, str, int]] = {}
        self._sla: dict[tuple, tuple[datetime.date, datetime.date]] = {}

    def sla(
        self, credential: CredentialInfo, started: datetime.datetime
    ) -> tuple[datetime.date, datetime.date]:
        """(due, remind) dates for a review that started at ``started``, by the
        assessment services' own rule (business days in the organization's calendar)."""
        # The rule depends on the organization only through its calendar and its
        # SLA, so organizations that share both share the dates (one query each).
        rule = self._rules.get(credential.organization_id)
        if rule is None:
            organization = credential.credential.organization
            rule = self._rules[credential.organization_id] = (
                organization.holiday_country.upper(),
                organization.holiday_subdivision.upper(),
                sla_business_days(organization_id=organization.pk),
            )
        key = (rule, timezone.localdate(started))
        if key not in self._sla:
            entering = Submission(credential=credential.credential, review_started_at=started)
            self._sla[key] = sla_dates(submission=entering)
        return self._sla[key]

    def for_application(self, attempt: Attempt, *, assessor: int | None) -> int | None:
        """The review of an application in or past review; returns its assessor."""
        bulk, rng, rows = self.bulk, self.bulk.rng, attempt.rows
        credential, status, times = attempt.credential, attempt.status, attempt.times
        submission_id = attempt.submission_id
        review_id = bulk.id(Review)
        pool = self.assessors_by_org[credential.organization_id]
        if assessor is None and pool and (status != Status.IN_REVIEW or rng.random() > 0.03):
            assessor = rng.choice(pool)
        due_on, remind_on = times["due_on"], times["remind_on"]
        # A review returned as incomplete waits for the learner, undecided and unswept.
        returned = status == Status.INCOMPLETE
        is_open = status == Status.IN_REVIEW
        reminded = escalated = progress = None
        if is_open and assessor and remind_on <= bulk.today and rng.random() < 0.7:
            reminded = bulk.at(remind_on, 6)
        next_escalation_on = None
        if is_open and due_on < bulk.today and rng.random() < 0.5:
            escalated = bulk.at(due_on + datetime.timedelta(days=1), 6)
            # As the sweep leaves it: the next step so many business days after.
            if settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS:
                next_escalation_on = add_business_days(
                    due_on + datetime.timedelta(days=1), settings.SLA_REESCALATE_EVERY_BUSINESS_DAYS
                )
        outcome = ""
        if not is_open and not returned:
            outcome = Outcome.AWARDED if status == Status.AWARDED else Outcome.DENIED
        # An open review with saved progress has scored two criteria (``scores``).
        if is_open and assessor and rng.random() < 0.2:
            progress = times["started"] + datetime.timedelta(days=rng.uniform(0, 3))
        rows[Review].append(
            bulk.table(Review).row(
                id=review_id,
                uuid=bulk.uuid(),
                submission_id=submission_id,
                assessor_id=assessor,
                assigned_at=times["started"] if assessor else None,
                state=ReviewState.OPEN
                if is_open
                else ReviewState.RETURNED
                if returned
                else ReviewState.DECIDED,
                due_on=due_on,
                remind_on=remind_on,
                reminder_sent_at=reminded,
                escalated_at=escalated,
                escalation_count=1 if escalated else 0,
                next_escalation_on=next_escalation_on,
                comment="" if is_open and not progress else bulk.text(),
                progress_saved_at=progress or times.get("decided"),
                outcome=outcome,
                decided_by_id=assessor if not (is_open or returned) else None,
                decided_at=times.get("decided"),
                created_at=times["started"],
            )
        )
        if status == Status.AWARDED:
            self._award(attempt)
        return assessor

    def assignments(self) -> None:
        """Each assigned review's assignment and each scored review's rubric scores,
        written in SQL from the reviews. A decided review has scored every criterion
        of the submission's rubric, an open one with saved progress the first two; a
        denial missed every second criterion."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(
                """
                INSERT INTO assessments_assignment (review_id, assessor_id, reason, assigned_at)
                SELECT id, assessor_id, %s, assigned_at
                FROM assessments_review
                WHERE assessor_id IS NOT NULL
                ORDER BY id
                """,
                [ASSIGNED],
            )
            self.bulk.counts.add(Assignment._meta.label, cursor.rowcount)
            cursor.execute(
                """
                INSERT INTO assessments_criterionscore
                    (review_id, criterion_id, position, title, description, met, feedback,
                     updated_at)
                SELECT r.id, (c.value ->> 'id')::int, c.n - 1, c.value ->> 'title',
                       c.value ->> 'description', m.met,
                       CASE WHEN m.met THEN '' ELSE %(feedback)s END, r.progress_saved_at
                FROM assessments_review r
                JOIN submissions_submission s ON s.id = r.submission_id
                CROSS JOIN LATERAL jsonb_array_elements(s.rubric_snapshot) WITH ORDINALITY
                    AS c(value, n)
                CROSS JOIN LATERAL (
                    SELECT r.outcome <> %(denied)s OR mod(c.n - 1, 2) = 0 AS met
                ) AS m
                WHERE r.state = %(decided)s
                   OR (r.state = %(open)s AND r.progress_saved_at IS NOT NULL AND c.n <= 2)
                ORDER BY r.id, c.n
                """,
                {
                    "feedback": FEEDBACK,
                    "denied": Outcome.DENIED,
                    "decided": ReviewState.DECIDED,
                    "open": ReviewState.OPEN,
                },
            )
            self.bulk.counts.add(CriterionScore._meta.label, cursor.rowcount)

    def _award(self, attempt: Attempt) -> None:
        award_id = self.bulk.id(Award)
        credential, awarded_at = attempt.credential, attempt.times["decided"]
        attempt.rows[Award].append(
            self.bulk.table(Award).row(
                id=award_id,
                uuid=self.bulk.uuid(),
                submission_id=attempt.submission_id,
                learner_id=attempt.learner_id,
                credential_id=credential.id,
                awarded_at=awarded_at,
            )
        )
        self.badges.issue(
            attempt.rows, award_id=award_id, credential=credential, awarded_at=awarded_at
        )
