"""The seed run: how many of everything, each learner's plan of applications,
the times of each attempt, and the probe accounts."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.db import models, transaction

from accounts.models import User
from assessments.models import AssessorScope, Assignment, Award, CriterionScore, Review
from audit.models import AuditEvent
from badges.models import IssuedBadge, StatusList
from credentials.models import Favorite
from payments.models import Coupon, CouponRedemption, Payment
from submissions.models import Attachment, Attestation, EvidenceLink, Response, Status, Submission

from . import credentials as catalog_rows
from .accounts import People
from .assessments import Reviews, scopes
from .badges import Badges
from .base import DOMAIN, Bulk, Counts, explicit_timestamps
from .credentials import CredentialInfo
from .load import bare_tables
from .payments import Payments
from .submissions import Applications, Attempt

MARKER_EMAIL = f"bench-marker@{DOMAIN}"
LEARNERS_PER_CHUNK = 1000

PROBES = {
    "learner_small": f"probe-learner-small@{DOMAIN}",
    "learner_large": f"probe-learner-large@{DOMAIN}",
    "assessor_small": f"probe-assessor-small@{DOMAIN}",
    "staff": f"probe-staff@{DOMAIN}",
}

# Status of a first attempt, and of the attempt that follows a denial.
FIRST_ATTEMPT: dict[str, float] = {
    Status.DRAFT: 0.19,
    Status.AWAITING_PAYMENT: 0.04,
    Status.IN_REVIEW: 0.52,
    # Returned by the assessor to be completed (the same attempt goes back to review).
    Status.INCOMPLETE: 0.02,
    Status.AWARDED: 0.15,
    Status.DENIED: 0.08,
}
NEXT_ATTEMPT: dict[str, float] = {
    Status.DRAFT: 0.3,
    Status.IN_REVIEW: 0.4,
    Status.AWARDED: 0.2,
    Status.DENIED: 0.1,
}
RESUBMIT_RATE = 0.6

# Fields stamped automatically on save; the seed writes realistic past times instead.
AUTO_TIME_FIELDS = [
    (Submission, "created_at"),
    (Submission, "updated_at"),
    (Attachment, "uploaded_at"),
    (EvidenceLink, "added_at"),
    (Review, "created_at"),
    (CriterionScore, "updated_at"),
    (Payment, "created_at"),
    (Payment, "updated_at"),
    (CouponRedemption, "created_at"),
    (Favorite, "created_at"),
]

# The tables an application's rows are built for in Python, in insertion order.
APPLICATION_MODELS: tuple[type[models.Model], ...] = (
    Submission,
    Payment,
    CouponRedemption,
    Review,
    Award,
    IssuedBadge,
)

# An application's rows written in SQL from its submission (``Applications.children``).
CHILD_MODELS: tuple[type[models.Model], ...] = (
    Response,
    Attachment,
    EvidenceLink,
    Attestation,
    AuditEvent,
    Assignment,
    CriterionScore,
)

# The tables loaded bare (``load.bare_tables``): the applications' and the favorites.
BULKY_MODELS: tuple[type[models.Model], ...] = (*APPLICATION_MODELS, *CHILD_MODELS, Favorite)


def sizes(scale: float) -> dict[str, int]:
    credentials = max(10, round(200 * scale))
    return {
        "credentials": credentials,
        "organizations": max(2, credentials // 10),
        "learners": max(50, round(20_000 * scale)),
        "submissions": max(200, round(200_000 * scale)),
        "assessors": max(6, round(300 * scale)),
    }


class Seeder:
    """Writes the whole seed; each app's rows come from its builder in this package."""

    def __init__(self, *, scale: float, log: Callable[[str], object] = print) -> None:
        self.scale = scale
        self.size = sizes(scale)
        self.log = log
        self.bulk = Bulk()
        self.counts: Counts = self.bulk.counts
        self.people = People(self.bulk)
        self._fees: dict[tuple[int, bool], int] = {}

    def fee(self, credential: CredentialInfo, *, resubmission: bool) -> int:
        """What an attempt owes, by the submission's own rule (a resubmission has its fee)."""
        key = (credential.id, resubmission)
        if key not in self._fees:
            attempt = Submission(
                credential=credential.credential, previous_id=1 if resubmission else None
            )
            self._fees[key] = attempt.fee_cents
        return self._fees[key]

    def run(self) -> Counts:
        """Write the seed in one transaction: a failed seed leaves nothing behind."""
        started = time.monotonic()
        with explicit_timestamps(AUTO_TIME_FIELDS), transaction.atomic():
            with bare_tables(BULKY_MODELS, log=self.log):
                self._catalog()
                self._people()
                self.log(f"  catalog and people: {time.monotonic() - started:.1f} s")
                self._applications()
                self._probes()
                children = time.monotonic()
                fees = {
                    (c.id, resubmission): self.fee(c, resubmission=resubmission)
                    for c in self.credentials
                    for resubmission in (False, True)
                }
                self.applications.children(fees, self.bulk.now)
                self.reviews.assignments()
                self.log(
                    "  answers, evidence, attestations, audit trails, assignments, scores in SQL: "
                    f"{time.monotonic() - children:.1f} s"
                )
                self.log(f"  rows written in {time.monotonic() - started:.1f} s")
            self._finish()
        self.log(f"  seed committed in {time.monotonic() - started:.1f} s")
        return self.counts

    def _catalog(self) -> None:
        catalog = catalog_rows.catalog(
            self.bulk,
            organizations=self.size["organizations"],
            credentials=self.size["credentials"],
        )
        self.credentials = catalog.credentials
        self.organization_ids = [org.pk for org in catalog.organizations]
        self.payments = Payments(self.bulk)
        self.badges = Badges(self.bulk, catalog.organizations)
        self.applications = Applications(self.bulk)

    def _people(self) -> None:
        rng = self.bulk.rng
        # Marks the database as a benchmark seed; "scale=..." once the seed is complete.
        self.people.users([(MARKER_EMAIL, f"incomplete seed, scale={self.scale}", False)])
        assessors = self.people.users(
            [
                (f"assessor{i + 1:04d}@{DOMAIN}", f"Assessor {i + 1}", False)
                for i in range(self.size["assessors"])
            ],
            totp=True,
        )
        by_org = scopes(self.bulk, [u.pk for u in assessors], self.organization_ids)
        self.reviews = Reviews(self.bulk, self.badges, by_org)
        self.learner_ids: list[int] = []
        n = self.size["learners"]
        for start in range(0, n, 5000):
            users = self.people.users(
                [
                    (f"learner{i + 1:05d}@{DOMAIN}", f"Learner {i + 1}", False)
                    for i in range(start, min(n, start + 5000))
                ]
            )
            self.learner_ids.extend(u.pk for u in users)
        favorites = []
        for learner_id in self.learner_ids:
            if rng.random() < 0.3:
                count = rng.randint(1, 5)
                favorites += catalog_rows.favorites(self.bulk, learner_id, self.credentials, count)
        self.bulk.copy(Favorite, favorites)

    def _plan(self) -> list[tuple[int, list[str]]]:
        """For one learner: [(credential index, [status of each attempt])]."""
        bulk, rng = self.bulk, self.bulk.rng
        n_cred = len(self.credentials)
        mean = self.size["submissions"] / self.size["learners"] / 1.05
        k = min(n_cred, rng.randint(1, max(1, round(2 * mean - 1))))
        plan = []
        for index in rng.sample(range(n_cred), k):
            chain = [bulk.pick(FIRST_ATTEMPT)]
            while chain[-1] == Status.DENIED and len(chain) < 3 and rng.random() < RESUBMIT_RATE:
                chain.append(bulk.pick(NEXT_ATTEMPT))
            plan.append((index, chain))
        return plan

    def _applications(self) -> None:
        started = time.monotonic()
        learners = self.learner_ids
        for start in range(0, len(learners), LEARNERS_PER_CHUNK):
            chunk = Chunk(self)
            for learner_id in learners[start : start + LEARNERS_PER_CHUNK]:
                for index, chain in self._plan():
                    chunk.chain(learner_id, self.credentials[index], chain)
            chunk.write()
            done = min(len(learners), start + LEARNERS_PER_CHUNK)
            self.log(
                f"  learners {done}/{len(learners)}, "
                f"submissions {self.counts.rows.get('submissions.Submission', 0)}, "
                f"{time.monotonic() - started:.0f} s"
            )

    def _probes(self) -> None:
        """Accounts whose pages are measured at a small and a large data size."""
        small, large = self.people.users(
            [
                (PROBES["learner_small"], "Probe Learner Small", False),
                (PROBES["learner_large"], "Probe Learner Large", False),
            ]
        )
        assessor_small, _staff = self.people.users(
            [
                (PROBES["assessor_small"], "Probe Assessor Small", False),
                (PROBES["staff"], "Probe Staff", True),
            ],
            totp=True,
        )
        first = self.credentials[0]
        self.bulk.write(AssessorScope, [AssessorScope(user=assessor_small, credential_id=first.id)])
        chunk = Chunk(self)
        chunk.chain(small.pk, first, [Status.IN_REVIEW], assessor=assessor_small.pk)
        chunk.chain(small.pk, self.credentials[1], [Status.DRAFT])
        chunk.chain(small.pk, self.credentials[2], [Status.AWARDED])
        finals = [Status.DRAFT, Status.IN_REVIEW, Status.AWARDED, Status.AWAITING_PAYMENT]
        for i, credential in enumerate(self.credentials):
            chunk.chain(
                large.pk,
                credential,
                [Status.DENIED, Status.DENIED, finals[i % len(finals)]],
                heavy=True,
            )
        chunk.write()
        favorite = self.bulk.table(Favorite).row
        self.bulk.copy(
            Favorite,
            [
                favorite(
                    id=self.bulk.id(Favorite),
                    user_id=large.pk,
                    credential_id=c.id,
                    created_at=self.bulk.ago(1, 300),
                )
                for c in self.credentials[:30]
            ],
        )

    def _finish(self) -> None:
        """The counters the rows imply, and the marker that says the seed is complete."""
        for coupon_id, uses in self.payments.uses.items():
            Coupon.objects.filter(pk=coupon_id).update(redemption_count=uses)
        for org_id, used in self.badges.next_index.items():
            StatusList.objects.filter(pk=self.badges.status_lists[org_id].pk).update(
                next_index=used
            )
        User.objects.filter(email=MARKER_EMAIL).update(name=f"scale={self.scale}")


class Chunk:
    """The rows of a group of learners' applications, written together."""

    def __init__(self, seeder: Seeder) -> None:
        self.s = seeder
        self.bulk = seeder.bulk
        self.rows: dict[type[models.Model], list[tuple]] = {
            model: [] for model in APPLICATION_MODELS
        }

    def write(self) -> None:
        for model, rows in self.rows.items():
            self.bulk.copy(model, rows)

    def chain(
        self,
        learner_id: int,
        credential: CredentialInfo,
        statuses: list[str],
        *,
        assessor: int | None = None,
        heavy: bool = False,
    ) -> int | None:
        """One credential's attempts by a learner, oldest first, each following a denial.

        An attempt that owes no fee never waits for payment: submitting it puts it
        in review, so the plan's "awaiting payment" becomes "in review" there.
        """
        statuses = [
            Status.IN_REVIEW
            if status == Status.AWAITING_PAYMENT and not self.s.fee(credential, resubmission=i > 0)
            else status
            for i, status in enumerate(statuses)
        ]
        times = []
        before = None
        for status in reversed(statuses):
            times.append(self._times(credential, status, before))
            before = times[-1]["created"]
        times.reverse()
        previous = None
        for status, when in zip(statuses, times, strict=True):
            previous = self.attempt(
                learner_id,
                credential,
                status,
                when,
                previous=previous,
                assessor=assessor,
                heavy=heavy,
            )
        return previous

    def _times(
        self, credential: CredentialInfo, status: str, before: datetime.datetime | None
    ) -> dict:
        """When the attempt was created, submitted, entered review and was decided; its
        SLA dates follow from when review started, as the assessment services set them."""
        bulk, rng = self.bulk, self.bulk.rng
        t: dict = {}
        if status == Status.DRAFT:
            t["created"] = bulk.ago(1, 120)
            t["updated"] = t["created"] + (bulk.now - t["created"]) * rng.random()
            return t
        if status == Status.AWAITING_PAYMENT:
            t["submitted"] = bulk.ago(0, 5)
        elif status in (Status.IN_REVIEW, Status.INCOMPLETE):
            # About one open review in ten is overdue: aim the due date at a day
            # around today and start the review about 14 business days before it.
            if rng.random() < 0.1:
                aim = bulk.today - datetime.timedelta(days=rng.randint(1, 20))
            else:
                aim = bulk.today + datetime.timedelta(days=rng.randint(0, 20))
            aim = bulk.weekday(aim)
            t["started"] = bulk.at(aim - datetime.timedelta(days=20), 10) + datetime.timedelta(
                minutes=rng.randint(0, 600)
            )
            t["submitted"] = t["started"] - datetime.timedelta(hours=rng.uniform(0, 48))
        else:
            end = before or bulk.now
            t["decided"] = bulk.ago(1, 300 if before is None else 30, before=end)
            t["started"] = t["decided"] - datetime.timedelta(days=rng.uniform(3, 20))
            t["submitted"] = t["started"] - datetime.timedelta(hours=rng.uniform(0, 48))
        if "started" in t:
            t["due_on"], t["remind_on"] = self.s.reviews.sla(credential, t["started"])
        t["created"] = t["submitted"] - datetime.timedelta(days=rng.uniform(3, 60))
        t["updated"] = t.get("decided") or t.get("started") or t["submitted"]
        return t

    def attempt(
        self,
        learner_id: int,
        credential: CredentialInfo,
        status: str,
        t: dict,
        *,
        previous: int | None,
        assessor: int | None,
        heavy: bool,
    ) -> int:
        """One attempt with its rows across the apps, as the services would leave it (its
        answers, evidence, attestations and audit trail follow in SQL)."""
        s = self.s
        fee = s.fee(credential, resubmission=previous is not None)
        attempt = Attempt(self.rows, learner_id, credential, status, t, previous)
        s.applications.submission(attempt, heavy=heavy)
        if fee and status != Status.DRAFT:
            s.payments.for_application(attempt, fee=fee)
        if status in (Status.IN_REVIEW, Status.INCOMPLETE, Status.AWARDED, Status.DENIED):
            s.reviews.for_application(attempt, assessor=assessor)
        return attempt.submission_id
