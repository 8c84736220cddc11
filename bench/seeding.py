"""Bulk seeding of a realistic volume for the benchmark.

At scale 1.0: 200 credentials (6 prompts, 3 evidence requirements and 4
rubric criteria each) from 20 organizations, 20,000 learners, 300
assessors, about 200,000 submissions in every state (about 54% in review,
so more than 100,000 open reviews), with their responses, attachment
metadata (file names point at keys that do not exist), links,
attestations, status history, payments, coupon redemptions, reviews with
assignments and rubric scores, awards and issued badges.

Rows are built in memory per chunk of learners and written with
``bulk_create`` in batches; primary keys are reserved from each table's
sequence up front so children can point at their parents without a round
trip. A fixed random seed makes two runs at the same scale identical.

Probe accounts (``PROBES``) give each page a small and a large subject, so
query counts can be compared at two data sizes in one database.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import cast

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import DateTimeField
from django.utils import timezone

from accounts.models import User
from assessments.business_days import add_business_days, holiday_calendar
from assessments.models import (
    AssessorScope,
    Assignment,
    Award,
    CriterionScore,
    Outcome,
    Review,
    ReviewState,
)
from audit.models import SYSTEM, AuditEvent
from badges.models import IssuedBadge, IssuerKey, StatusList
from credentials.models import (
    EvidenceKind,
    EvidenceRequirement,
    Favorite,
    MicroCredential,
    Organization,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)
from payments.models import (
    Coupon,
    CouponRedemption,
    DiscountKind,
    Payment,
    PaymentStatus,
    Provider,
    RedemptionStatus,
)
from submissions.models import (
    Attachment,
    Attestation,
    AttestationKind,
    EvidenceLink,
    Response,
    Status,
    Submission,
)

PASSWORD = "bench-pass-2026"  # noqa: S105  (benchmark accounts in a throwaway database)
DOMAIN = "bench.example.org"
MARKER_EMAIL = f"bench-marker@{DOMAIN}"
BATCH_SIZE = 2000
LEARNERS_PER_CHUNK = 1000
SEED = 2026

PROBES = {
    "learner_small": f"probe-learner-small@{DOMAIN}",
    "learner_large": f"probe-learner-large@{DOMAIN}",
    "assessor_small": f"probe-assessor-small@{DOMAIN}",
    "staff": f"probe-staff@{DOMAIN}",
}

# Status of a first attempt, and of the attempt that follows a denial.
FIRST_ATTEMPT = {
    Status.DRAFT: 0.19,
    Status.AWAITING_PAYMENT: 0.04,
    Status.IN_REVIEW: 0.54,
    Status.AWARDED: 0.15,
    Status.DENIED: 0.08,
}
NEXT_ATTEMPT = {Status.DRAFT: 0.3, Status.IN_REVIEW: 0.4, Status.AWARDED: 0.2, Status.DENIED: 0.1}
RESUBMIT_RATE = 0.6

WORDS = (
    "students lesson feedback formative evidence classroom learning reading writing "
    "discussion questions strategy practice goals rubric peer reflection data growth "
    "assessment math science literacy vocabulary groups inquiry model explain revise "
    "check understanding small group whole class exit ticket conference portfolio "
    "family community culture routine norms engagement choice voice support scaffold "
    "differentiate objective criteria success teacher plan unit week period grade "
    "project presentation observe notes adjust next steps impact outcomes improved"
).split()

FILE_KINDS = [
    ("lesson-plan.pdf", "application/pdf"),
    ("student-work-sample.jpg", "image/jpeg"),
    ("classroom-video.mp4", "video/mp4"),
    (
        "reflection-notes.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("data-summary.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("anchor-chart.png", "image/png"),
]

PROMPTS = [
    (Part.OVERVIEW, 1, "Describe your school and classroom context.", 250, True),
    (Part.OVERVIEW, 2, "Explain how you planned to apply the key method.", 400, True),
    (Part.REFLECTION, 1, "Reflect on how the lesson went and what you changed.", 500, True),
    (Part.REFLECTION, 2, "Anything else the assessor should know? (optional)", 200, False),
    (Part.IMPACT, 1, "What impact did the method have on student learning?", 400, True),
    (Part.IMPACT, 2, "What are your next steps?", 250, True),
]
REQUIREMENTS = [
    ("Lesson plan", EvidenceKind.FILE),
    ("Video or photos of the lesson", EvidenceKind.ANY),
    ("Samples of student work", EvidenceKind.ANY),
]
CRITERIA = [
    "Context is clear and specific",
    "The method is applied as described",
    "Evidence shows student learning",
    "Reflection names concrete next steps",
]

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


@contextlib.contextmanager
def explicit_timestamps():
    """Let bulk_create keep the times the seed sets on auto_now(_add) fields."""
    saved = []
    for model, name in AUTO_TIME_FIELDS:
        f = cast(DateTimeField, model._meta.get_field(name))
        saved.append((f, f.auto_now, f.auto_now_add))
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def reserve_ids(model, count: int) -> int:
    """Reserve ``count`` consecutive primary keys from the table's sequence; return the first."""
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [model._meta.db_table, model._meta.pk.column],
        )
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        last = cursor.fetchone()[0]
    return last - count + 1


# Every table an application's rows go into, in insertion order.
APPLICATION_MODELS = (
    Submission,
    Response,
    Attachment,
    EvidenceLink,
    Attestation,
    AuditEvent,
    Payment,
    CouponRedemption,
    Review,
    Assignment,
    CriterionScore,
    Award,
    IssuedBadge,
)


class Ids:
    """Hands out primary keys for one model from blocks reserved in the database."""

    def __init__(self, model, block: int = 50_000):
        self.model, self.block = model, block
        self.next = self.end = 0

    def take(self) -> int:
        if self.next >= self.end:
            self.next = reserve_ids(self.model, self.block)
            self.end = self.next + self.block
        value = self.next
        self.next += 1
        return value


@dataclass
class CredentialInfo:
    id: int
    organization_id: int
    fee_cents: int
    resubmission_fee_cents: int
    currency: str
    validity_months: int | None
    prompts: list = field(default_factory=list)  # Prompt rows
    requirements: list = field(default_factory=list)  # EvidenceRequirement rows
    snapshot: list = field(default_factory=list)  # the rubric as submissions copy it


@dataclass
class Counts:
    rows: dict = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        self.rows[name] = self.rows.get(name, 0) + n


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
    def __init__(self, *, scale: float, log=print):
        self.scale = scale
        self.size = sizes(scale)
        self.log = log
        self.rng = random.Random(SEED)  # noqa: S311  (reproducible data, not secrets)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.calendar = holiday_calendar("US")
        self.remind_cache: dict[datetime.date, datetime.date] = {}
        self.counts = Counts()
        self.password = make_password(PASSWORD)
        self.texts = [self._paragraph() for _ in range(400)]
        self.hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(1000)]
        self.ids = {model: Ids(model) for model in APPLICATION_MODELS}
        self.reference_counter = 0
        self.receipt_counter = 0

    # --- helpers ------------------------------------------------------------------------

    def _paragraph(self) -> str:
        n = self.rng.randint(40, 220)
        words = [self.rng.choice(WORDS) for _ in range(n)]
        words[0] = words[0].capitalize()
        return " ".join(words) + "."

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _code(self, counter: int, length: int) -> str:
        alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
        chars = []
        for _ in range(length):
            counter, rest = divmod(counter, len(alphabet))
            chars.append(alphabet[rest])
        return "".join(reversed(chars))

    def submission_type(self) -> int:
        """The content type id that names a submission in the audit trail."""
        return ContentType.objects.get_for_model(Submission).pk

    def _reference(self) -> str:
        self.reference_counter += 1
        return "MC-" + self._code(self.reference_counter, 8)

    def _receipt(self) -> str:
        self.receipt_counter += 1
        return "RC-" + self._code(self.receipt_counter, 10)

    def _pick(self, weights: dict) -> str:
        r = self.rng.random()
        total = 0.0
        for key, weight in weights.items():
            total += weight
            if r < total:
                return key
        return key

    def _ago(self, low_days: float, high_days: float, before=None) -> datetime.datetime:
        base = before or self.now
        return base - datetime.timedelta(days=self.rng.uniform(low_days, high_days))

    def _remind_on(self, due_on: datetime.date) -> datetime.date:
        if due_on not in self.remind_cache:
            self.remind_cache[due_on] = add_business_days(due_on, -3, calendar=self.calendar)
        return self.remind_cache[due_on]

    def _weekday(self, day: datetime.date) -> datetime.date:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    def _write(self, model, rows: list) -> None:
        if rows:
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            self.counts.add(model._meta.label, len(rows))

    # --- the run -------------------------------------------------------------------------

    def run(self) -> Counts:
        started = time.monotonic()
        with explicit_timestamps():
            with transaction.atomic():
                self._catalog()
                self._people()
            self.log(f"  catalog and people: {time.monotonic() - started:.1f} s")
            self._applications()
            with transaction.atomic():
                self._probes()
                self._finish()
        self.log(f"  rows written in {time.monotonic() - started:.1f} s")
        return self.counts

    def _catalog(self) -> None:
        rng = self.rng
        n_org = self.size["organizations"]
        orgs = [
            Organization(
                name=f"Bench Organization {i + 1:02d}",
                slug=f"bench-org-{i + 1:02d}",
                description="An issuing organization for the benchmark.",
                email=f"org{i + 1}@{DOMAIN}",
                holiday_country="US",
            )
            for i in range(n_org)
        ]
        self._write(Organization, orgs)
        topics = [Topic(name=f"Topic {i + 1:02d}", slug=f"topic-{i + 1:02d}") for i in range(12)]
        self._write(Topic, topics)
        credentials = []
        for i in range(self.size["credentials"]):
            fee = rng.choice([0, 0, 0, 2500, 5000, 7500, 10000, 15000, 5000, 7500])
            credentials.append(
                MicroCredential(
                    organization=orgs[i % n_org],
                    title=f"Bench Credential {i + 1:03d}: {rng.choice(WORDS).title()} practice",
                    slug=f"bench-credential-{i + 1:03d}",
                    summary="A competency-based micro-credential seeded for the benchmark.",
                    overview=self.texts[i % len(self.texts)],
                    competency=self.texts[(i + 1) % len(self.texts)],
                    key_method=self.texts[(i + 2) % len(self.texts)],
                    method_components=self.texts[(i + 3) % len(self.texts)],
                    research=self.texts[(i + 4) % len(self.texts)],
                    evidence_instructions="Upload your lesson plan and evidence of student work.",
                    estimated_hours=rng.randint(5, 20),
                    fee_cents=fee,
                    resubmission_fee_cents=fee // 2 if fee else 0,
                    validity_months=rng.choice([None, None, 24, 36]),
                    is_published=True,
                    published_at=self.now - datetime.timedelta(days=400),
                )
            )
        self._write(MicroCredential, credentials)
        through = MicroCredential.topics.through
        self._write(
            through,
            [
                through(microcredential_id=c.pk, topic_id=t.pk)
                for c in credentials
                for t in rng.sample(topics, 2)
            ],
        )
        prompts, requirements, criteria = [], [], []
        for c in credentials:
            for part, position, text, limit, required in PROMPTS:
                prompts.append(
                    Prompt(
                        credential=c,
                        part=part,
                        position=position,
                        text=text,
                        help_text="Be specific.",
                        word_limit=limit,
                        required=required,
                    )
                )
            for position, (title, kind) in enumerate(REQUIREMENTS, start=1):
                requirements.append(
                    EvidenceRequirement(
                        credential=c,
                        position=position,
                        title=title,
                        description="What the assessor looks for.",
                        kind=kind,
                    )
                )
            for position, title in enumerate(CRITERIA, start=1):
                criteria.append(
                    RubricCriterion(
                        credential=c,
                        position=position,
                        title=title,
                        description="Met when the evidence shows it clearly.",
                    )
                )
        self._write(Prompt, prompts)
        self._write(EvidenceRequirement, requirements)
        self._write(RubricCriterion, criteria)
        self.credentials = []
        for c in credentials:
            info = CredentialInfo(
                id=c.pk,
                organization_id=c.organization_id,
                fee_cents=c.fee_cents,
                resubmission_fee_cents=c.resubmission_fee_cents,
                currency=c.currency,
                validity_months=c.validity_months,
            )
            self.credentials.append(info)
        by_id = {info.id: info for info in self.credentials}
        for p in prompts:
            by_id[p.credential_id].prompts.append(p)
        for r in requirements:
            by_id[r.credential_id].requirements.append(r)
        for criterion in criteria:
            by_id[criterion.credential_id].snapshot.append(
                {"id": criterion.pk, "title": criterion.title, "description": criterion.description}
            )
        self.coupons = [
            Coupon(
                code=f"BENCH{i:03d}",
                description="Benchmark coupon",
                kind=DiscountKind.PERCENT,
                percent_off=100 if i % 2 else 50,
                max_per_learner=5,
            )
            for i in range(10)
        ]
        self._write(Coupon, self.coupons)
        self.coupon_uses = {c.pk: 0 for c in self.coupons}
        self.keys, self.status_lists, self.badge_index = {}, {}, {}
        keys = [
            IssuerKey(
                organization=org,
                key_id=hashlib.sha256(f"bench-key-{org.slug}".encode()).hexdigest(),
                public_jwk={"kty": "OKP", "crv": "Ed25519", "x": "YmVuY2g"},
                private_key_encrypted="bench placeholder: never used to sign",
            )
            for org in orgs
        ]
        self._write(IssuerKey, keys)
        lists = [StatusList(organization=org, number=1) for org in orgs]
        self._write(StatusList, lists)
        for key, status_list in zip(keys, lists, strict=True):
            self.keys[key.organization_id] = key.pk
            self.status_lists[status_list.organization_id] = status_list.pk
            self.badge_index[status_list.organization_id] = 0
        self.organization_ids = [o.pk for o in orgs]

    def _users(self, specs: list[tuple[str, str, bool]], *, totp: bool = False) -> list[User]:
        """Users sharing one password hash; staff and assessors (``totp``) also get an
        authenticator app, which the site requires of them."""
        users = [
            User(
                email=email,
                name=name,
                password=self.password,
                is_staff=staff,
                is_superuser=staff,
                date_joined=self.now - datetime.timedelta(days=500),
            )
            for email, name, staff in specs
        ]
        self._write(User, users)
        self._write(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        )
        if totp:
            self._write(
                Authenticator,
                [
                    Authenticator(
                        user=u,
                        type=Authenticator.Type.TOTP,
                        data={"secret": "bench placeholder: never used to sign in"},
                    )
                    for u in users
                ],
            )
        return users

    def _people(self) -> None:
        rng = self.rng
        # Marks the database as a benchmark seed; "scale=..." once the seed is complete.
        self._users([(MARKER_EMAIL, f"incomplete seed, scale={self.scale}", False)])
        assessors = self._users(
            [
                (f"assessor{i + 1:04d}@{DOMAIN}", f"Assessor {i + 1}", False)
                for i in range(self.size["assessors"])
            ],
            totp=True,
        )
        # Each assessor holds a scope on one organization (a few on a second one).
        self.assessors_by_org: dict[int, list[int]] = {
            org_id: [] for org_id in self.organization_ids
        }
        scopes = []
        for i, user in enumerate(assessors):
            orgs = [self.organization_ids[i % len(self.organization_ids)]]
            if rng.random() < 0.2:
                orgs.append(rng.choice(self.organization_ids))
            for org_id in set(orgs):
                scopes.append(AssessorScope(user=user, organization_id=org_id))
                self.assessors_by_org[org_id].append(user.pk)
        self._write(AssessorScope, scopes)
        self.learner_ids: list[int] = []
        n = self.size["learners"]
        for start in range(0, n, 5000):
            users = self._users(
                [
                    (f"learner{i + 1:05d}@{DOMAIN}", f"Learner {i + 1}", False)
                    for i in range(start, min(n, start + 5000))
                ]
            )
            self.learner_ids.extend(u.pk for u in users)
        favorites = []
        for learner_id in self.learner_ids:
            if rng.random() < 0.3:
                for c in rng.sample(
                    self.credentials, min(len(self.credentials), rng.randint(1, 5))
                ):
                    favorites.append(
                        Favorite(
                            user_id=learner_id, credential_id=c.id, created_at=self._ago(1, 300)
                        )
                    )
        self._write(Favorite, favorites)

    # --- applications --------------------------------------------------------------------

    def _plan(self) -> list[tuple[int, list]]:
        """For one learner: [(credential index, [status of each attempt])]."""
        rng = self.rng
        n_cred = len(self.credentials)
        mean = self.size["submissions"] / self.size["learners"] / 1.05
        k = min(n_cred, rng.randint(1, max(1, round(2 * mean - 1))))
        plan = []
        for index in rng.sample(range(n_cred), k):
            chain = [self._pick(FIRST_ATTEMPT)]
            while chain[-1] == Status.DENIED and len(chain) < 3 and rng.random() < RESUBMIT_RATE:
                chain.append(self._pick(NEXT_ATTEMPT))
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
            with transaction.atomic():
                chunk.write()
            done = min(len(learners), start + LEARNERS_PER_CHUNK)
            self.log(
                f"  learners {done}/{len(learners)}, "
                f"submissions {self.counts.rows.get('submissions.Submission', 0)}, "
                f"{time.monotonic() - started:.0f} s"
            )

    def _probes(self) -> None:
        """Accounts whose pages are measured at a small and a large data size."""
        small, large = self._users(
            [
                (PROBES["learner_small"], "Probe Learner Small", False),
                (PROBES["learner_large"], "Probe Learner Large", False),
            ]
        )
        assessor_small, _staff = self._users(
            [
                (PROBES["assessor_small"], "Probe Assessor Small", False),
                (PROBES["staff"], "Probe Staff", True),
            ],
            totp=True,
        )
        first = self.credentials[0]
        self._write(AssessorScope, [AssessorScope(user=assessor_small, credential_id=first.id)])
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
        self._write(
            Favorite,
            [
                Favorite(user=large, credential_id=c.id, created_at=self._ago(1, 300))
                for c in self.credentials[:30]
            ],
        )

    def _finish(self) -> None:
        User.objects.filter(email=MARKER_EMAIL).update(name=f"scale={self.scale}")
        for coupon_id, uses in self.coupon_uses.items():
            Coupon.objects.filter(pk=coupon_id).update(redemption_count=uses)
        for org_id, used in self.badge_index.items():
            StatusList.objects.filter(pk=self.status_lists[org_id]).update(next_index=used)


class Chunk:
    """The rows of a group of learners' applications, written together."""

    def __init__(self, seeder: Seeder):
        self.s = seeder
        self.rows: dict = {model: [] for model in APPLICATION_MODELS}

    def write(self) -> None:
        for model, rows in self.rows.items():
            self.s._write(model, rows)

    def chain(
        self, learner_id, credential: CredentialInfo, statuses, *, assessor=None, heavy=False
    ):
        """One credential's attempts by a learner, oldest first, each following a denial."""
        times = []
        before = None
        for status in reversed(statuses):
            times.append(self._times(status, before))
            before = times[-1]["created"]
        times.reverse()
        previous = None
        for status, when in zip(statuses, times, strict=True):
            previous = self.submission(
                learner_id,
                credential,
                status,
                when,
                previous=previous,
                assessor=assessor,
                heavy=heavy,
            )
        return previous

    def _times(self, status: str, before) -> dict:
        s, rng = self.s, self.s.rng
        t: dict = {}
        if status == Status.DRAFT:
            t["created"] = s._ago(1, 120)
            t["updated"] = t["created"] + (s.now - t["created"]) * rng.random()
            return t
        if status == Status.AWAITING_PAYMENT:
            t["submitted"] = s._ago(0, 5)
        elif status == Status.IN_REVIEW:
            if rng.random() < 0.1:
                due = s.today - datetime.timedelta(days=rng.randint(1, 20))
            else:
                due = s.today + datetime.timedelta(days=rng.randint(0, 20))
            due = s._weekday(due)
            t["due_on"] = due
            t["started"] = timezone.make_aware(
                datetime.datetime.combine(due - datetime.timedelta(days=20), datetime.time(10))
            ) + datetime.timedelta(minutes=rng.randint(0, 600))
            t["submitted"] = t["started"] - datetime.timedelta(hours=rng.uniform(0, 48))
        else:
            end = before or s.now
            t["decided"] = s._ago(1, 300 if before is None else 30, before=end)
            t["started"] = t["decided"] - datetime.timedelta(days=rng.uniform(3, 20))
            t["due_on"] = s._weekday(timezone.localdate(t["started"]) + datetime.timedelta(days=20))
            t["submitted"] = t["started"] - datetime.timedelta(hours=rng.uniform(0, 48))
        t["created"] = t["submitted"] - datetime.timedelta(days=rng.uniform(3, 60))
        t["updated"] = t.get("decided") or t.get("started") or t["submitted"]
        return t

    def submission(self, learner_id, credential, status, t, *, previous, assessor, heavy):
        s, rng, rows = self.s, self.s.rng, self.rows
        sub_id = s.ids[Submission].take()
        sub_uuid = s._uuid()
        reference = s._reference()
        submitted = status != Status.DRAFT
        decided = status in (Status.AWARDED, Status.DENIED)
        fee = credential.resubmission_fee_cents if previous else credential.fee_cents
        started = t.get("started") if status != Status.AWAITING_PAYMENT else None
        rows[Submission].append(
            Submission(
                id=sub_id,
                uuid=sub_uuid,
                reference=reference,
                learner_id=learner_id,
                credential_id=credential.id,
                status=status,
                version=rng.randint(1, 40) if not submitted else rng.randint(5, 60),
                previous_id=previous,
                rubric_snapshot=credential.snapshot if submitted else [],
                created_at=t["created"],
                updated_at=t["updated"],
                submitted_at=t.get("submitted"),
                review_started_at=started,
                decision_due_on=t.get("due_on") if started else None,
                decided_at=t.get("decided"),
            )
        )
        # Written answers: a copy of every prompt; drafts are partly written.
        for prompt in credential.prompts:
            filled = submitted or rng.random() < 0.6
            rows[Response].append(
                Response(
                    id=s.ids[Response].take(),
                    submission_id=sub_id,
                    prompt_id=prompt.pk,
                    part=prompt.part,
                    position=prompt.position,
                    prompt_text=prompt.text,
                    help_text=prompt.help_text,
                    word_limit=prompt.word_limit,
                    required=prompt.required,
                    text=rng.choice(s.texts) if filled else "",
                )
            )
        # Evidence: attachment metadata only (the file key points at nothing) and links.
        n_files = 10 if heavy else (rng.randint(1, 4) if submitted else rng.randint(0, 2))
        n_links = 5 if heavy else (rng.randint(0, 2) if submitted else rng.randint(0, 1))
        for _ in range(n_files):
            requirement = rng.choice(credential.requirements)
            name, content_type = rng.choice(FILE_KINDS)
            rows[Attachment].append(
                Attachment(
                    id=s.ids[Attachment].take(),
                    uuid=s._uuid(),
                    submission_id=sub_id,
                    requirement_id=requirement.pk,
                    requirement_title=requirement.title,
                    file=f"submissions/{sub_uuid}/{rng.getrandbits(64):016x}/{name}",
                    original_name=name,
                    content_type=content_type,
                    size=rng.randint(20_000, 20_000_000),
                    sha256=rng.choice(s.hashes),
                    uploaded_at=t["created"],
                )
            )
        for i in range(n_links):
            requirement = rng.choice(credential.requirements)
            rows[EvidenceLink].append(
                EvidenceLink(
                    id=s.ids[EvidenceLink].take(),
                    submission_id=sub_id,
                    requirement_id=requirement.pk,
                    requirement_title=requirement.title,
                    title=f"Lesson video {i + 1}",
                    url=f"https://video.example.org/watch/{rng.getrandbits(40):010x}",
                    added_at=t["created"],
                )
            )
        # History.
        changes = [("", Status.DRAFT, learner_id, "Applied", t["created"])]
        if submitted:
            first = Status.AWAITING_PAYMENT if fee else Status.IN_REVIEW
            changes.append((Status.DRAFT, first, learner_id, "Submitted", t["submitted"]))
            if fee and status != Status.AWAITING_PAYMENT:
                changes.append((first, Status.IN_REVIEW, None, "Paid", started))
            for kind in AttestationKind:
                rows[Attestation].append(
                    Attestation(
                        id=s.ids[Attestation].take(),
                        submission_id=sub_id,
                        kind=kind.value,
                        statement=str(kind.label),
                        accepted_at=t["submitted"],
                    )
                )
        # Payment.
        if fee and submitted:
            self._payments(sub_id, learner_id, credential, fee, status, t, resubmission=previous)
        # Review.
        if status in (Status.IN_REVIEW, Status.AWARDED, Status.DENIED):
            review_assessor = self._review(sub_id, credential, status, t, assessor)
            if decided:
                changes.append(
                    (Status.IN_REVIEW, status, review_assessor, "Decision", t["decided"])
                )
            if status == Status.AWARDED:
                self._award(sub_id, learner_id, credential, t)
        # The application's history, as the status moves write it to the audit trail.
        submission_type = s.submission_type()
        label = f"{reference} ({Status(status).label})"
        for from_status, to_status, actor, note, when in changes:
            rows[AuditEvent].append(
                AuditEvent(
                    id=s.ids[AuditEvent].take(),
                    created_at=when,
                    actor_id=actor,
                    actor_label=SYSTEM if actor is None else f"user {actor}",
                    verb=f"submission.{to_status}",
                    target_type_id=submission_type,
                    target_id=str(sub_id),
                    target_label=label,
                    before={"status": from_status} if from_status else {},
                    after={"status": to_status},
                    data={"note": note, "reference": reference},
                )
            )
        return sub_id

    def _payments(self, sub_id, learner_id, credential, fee, status, t, *, resubmission):
        s, rng, rows = self.s, self.s.rng, self.rows
        label = "Resubmission fee" if resubmission else "Assessment fee"

        def payment(**values) -> Payment:
            values.setdefault("discount_cents", 0)
            values.setdefault("amount_cents", fee - values["discount_cents"])
            values.setdefault("updated_at", values["created_at"])
            return Payment(
                id=s.ids[Payment].take(),
                uuid=s._uuid(),
                receipt_number=s._receipt(),
                submission_id=sub_id,
                learner_id=learner_id,
                description=f"{label} (benchmark)",
                fee_cents=fee,
                currency=credential.currency,
                **values,
            )

        if status == Status.AWAITING_PAYMENT:
            r = rng.random()
            if r < 0.6:
                rows[Payment].append(
                    payment(
                        provider=Provider.STRIPE,
                        status=PaymentStatus.PENDING,
                        stripe_checkout_session_id=f"cs_test_bench_{sub_id}",
                        checkout_url="https://checkout.stripe.com/c/pay/bench",
                        created_at=t["submitted"],
                        expires_at=s.now + datetime.timedelta(minutes=30),
                    )
                )
            elif r < 0.8:
                rows[Payment].append(
                    payment(
                        provider=Provider.STRIPE,
                        status=PaymentStatus.FAILED,
                        failure_message="Your card was declined.",
                        created_at=t["submitted"],
                    )
                )
            return
        completed = t["started"]
        if rng.random() < 0.1:
            coupon = rng.choice(s.coupons)
            discount = coupon.discount_for(fee)
            provider = Provider.COUPON if discount == fee else Provider.STRIPE
            p = payment(
                provider=provider,
                status=PaymentStatus.SUCCEEDED,
                coupon_id=coupon.pk,
                discount_cents=discount,
                created_at=completed - datetime.timedelta(minutes=5),
                completed_at=completed,
                receipt_sent_at=completed,
                stripe_checkout_session_id=(
                    f"cs_test_bench_{sub_id}" if provider == Provider.STRIPE else None
                ),
                card_brand="visa" if provider == Provider.STRIPE else "",
                card_last4="4242" if provider == Provider.STRIPE else "",
            )
            rows[Payment].append(p)
            rows[CouponRedemption].append(
                CouponRedemption(
                    id=s.ids[CouponRedemption].take(),
                    coupon_id=coupon.pk,
                    learner_id=learner_id,
                    submission_id=sub_id,
                    payment_id=p.id,
                    discount_cents=discount,
                    status=RedemptionStatus.REDEEMED,
                    created_at=p.created_at,
                    redeemed_at=completed,
                )
            )
            s.coupon_uses[coupon.pk] += 1
            return
        rows[Payment].append(
            payment(
                provider=Provider.STRIPE,
                status=PaymentStatus.SUCCEEDED,
                stripe_checkout_session_id=f"cs_test_bench_{sub_id}",
                stripe_payment_intent_id=f"pi_bench_{sub_id}",
                card_brand=rng.choice(["visa", "mastercard", "amex"]),
                card_last4=f"{rng.randint(0, 9999):04d}",
                created_at=completed - datetime.timedelta(minutes=5),
                completed_at=completed,
                receipt_sent_at=completed,
            )
        )

    def _review(self, sub_id, credential, status, t, assessor) -> int | None:
        s, rng, rows = self.s, self.s.rng, self.rows
        review_id = s.ids[Review].take()
        pool = s.assessors_by_org[credential.organization_id]
        if assessor is None and pool and (status != Status.IN_REVIEW or rng.random() > 0.03):
            assessor = rng.choice(pool)
        due_on = t["due_on"]
        remind_on = s._remind_on(due_on)
        is_open = status == Status.IN_REVIEW
        reminded = escalated = progress = None
        if is_open and assessor and remind_on <= s.today and rng.random() < 0.7:
            reminded = timezone.make_aware(datetime.datetime.combine(remind_on, datetime.time(6)))
        if is_open and due_on < s.today and rng.random() < 0.5:
            escalated = timezone.make_aware(
                datetime.datetime.combine(due_on + datetime.timedelta(days=1), datetime.time(6))
            )
        outcome = ""
        if not is_open:
            outcome = Outcome.AWARDED if status == Status.AWARDED else Outcome.DENIED
        scored = len(credential.snapshot) if not is_open else 0
        if is_open and assessor and rng.random() < 0.2:
            scored = 2
            progress = t["started"] + datetime.timedelta(days=rng.uniform(0, 3))
        rows[Review].append(
            Review(
                id=review_id,
                uuid=s._uuid(),
                submission_id=sub_id,
                assessor_id=assessor,
                assigned_at=t["started"] if assessor else None,
                state=ReviewState.OPEN if is_open else ReviewState.DECIDED,
                due_on=due_on,
                remind_on=remind_on,
                reminder_sent_at=reminded,
                escalated_at=escalated,
                comment="" if is_open and not progress else rng.choice(s.texts),
                progress_saved_at=progress or t.get("decided"),
                outcome=outcome,
                decided_by_id=assessor if not is_open else None,
                decided_at=t.get("decided"),
                created_at=t["started"],
            )
        )
        if assessor:
            rows[Assignment].append(
                Assignment(
                    id=s.ids[Assignment].take(),
                    review_id=review_id,
                    assessor_id=assessor,
                    reason="Automatic: least loaded",
                    assigned_at=t["started"],
                )
            )
        for position, criterion in enumerate(credential.snapshot[:scored]):
            met = True if status != Status.DENIED else position % 2 == 0
            rows[CriterionScore].append(
                CriterionScore(
                    id=s.ids[CriterionScore].take(),
                    review_id=review_id,
                    criterion_id=criterion["id"],
                    position=position,
                    title=criterion["title"],
                    description=criterion["description"],
                    met=met,
                    feedback="" if met else "Show how the evidence connects to the criterion.",
                    updated_at=t.get("decided") or progress or t["started"],
                )
            )
        return assessor

    def _award(self, sub_id, learner_id, credential, t) -> None:
        s, rows = self.s, self.rows
        award_id = s.ids[Award].take()
        awarded_at = t["decided"]
        rows[Award].append(
            Award(
                id=award_id,
                uuid=s._uuid(),
                submission_id=sub_id,
                learner_id=learner_id,
                credential_id=credential.id,
                awarded_at=awarded_at,
            )
        )
        org = credential.organization_id
        index = s.badge_index[org]
        s.badge_index[org] = index + 1
        valid_until = None
        if credential.validity_months:
            valid_until = awarded_at + datetime.timedelta(days=30 * credential.validity_months)
        rows[IssuedBadge].append(
            IssuedBadge(
                id=s.ids[IssuedBadge].take(),
                uuid=s._uuid(),
                award_id=award_id,
                signing_key_id=s.keys[org],
                status_list_id=s.status_lists[org],
                status_index=index,
                subject_id=f"urn:uuid:{s._uuid()}",
                identity_salt="bench",
                identity_hash="sha256$bench",
                issued_at=awarded_at,
                valid_from=awarded_at,
                valid_until=valid_until,
                ob3_json="{}",
                ob3_jwt="bench.placeholder.jwt",
                ob2_json="{}",
            )
        )
