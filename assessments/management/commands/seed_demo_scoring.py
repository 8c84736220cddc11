"""Demo data for double scoring with adjudication.

Runs after ``seed_demo`` and ``seed_demo_activity``. It puts one published
credential on two independent assessors with adjudication (the credential
that already has that policy, else "Checking for Understanding in Real
Time"), adds two demo assessors for its organization (assessor2@example.org
scores second, assessor3@example.org adjudicates), and plays applications
from demo educators through the real services:

- decided history at past dates (time-machine moves the clock): pairs that
  agree, and pairs that differ on a criterion or on the outcome and were
  settled by adjudication, so agreement figures are real;
- one application whose first scoring is in and whose second waits for
  assessor2@example.org, blind;
- one application whose two scorings differ and wait for
  assessor3@example.org to adjudicate.

Safe to repeat: it does nothing once its demo educators have applications.
Local demo only (DEMO_DATA_ALLOWED).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from accounts.services import account_ensure
from assessments import scoring, services
from assessments.business_days import add_business_days, calendar_for
from assessments.exceptions import AssessmentError
from assessments.models import (
    Review,
    Scoring,
    ScoringKind,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import EvidenceKind, MicroCredential
from submissions import services as submission_services
from submissions.models import AttestationKind, Submission

SLUG = "checking-for-understanding"
ASSESSOR = "assessor@example.org"
SECOND = ("assessor2@example.org", "Blake Bell")
ADJUDICATOR = ("assessor3@example.org", "Casey Cruz")
EDUCATOR = "double.educator{:02d}@example.org"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWER = (
    "I teach fifth grade. I asked hinge questions during the lesson, read every answer on "
    "mini whiteboards and regrouped the class when a third of them chose the same distractor."
)
# Decided history, oldest first: criteria each scoring marks not met (by position),
# and whether adjudication settles it the first scorer's way.
HISTORY: list[tuple[tuple[int, ...], tuple[int, ...]]] = [
    ((), ()),  # both award
    ((), (1,)),  # outcome differs: adjudicated
    ((0,), (0,)),  # both deny on the same criterion
    ((), ()),
    ((0,), (1,)),  # both deny, on different criteria: adjudicated
    ((), ()),
    ((1,), ()),  # outcome differs: adjudicated
    ((), ()),
]


class Command(BaseCommand):
    help = (
        "Double scoring with adjudication: policy, two more assessors and history (safe to repeat)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_scoring does not run with production settings.")
        assessor = User.objects.filter(email=ASSESSOR).first()
        credential = self._credential()
        if assessor is None or credential is None:
            raise CommandError("Run seed_demo and seed_demo_activity first.")
        second = self._account(*SECOND)
        adjudicator = self._account(*ADJUDICATOR)
        for user in (assessor, second, adjudicator):
            services.assessor_scope_grant(user=user, organization=credential.organization)
        if Submission.objects.filter(learner__email=EDUCATOR.format(1)).exists():
            self.stdout.write("Double-scoring demo already present.")
        else:
            try:
                import time_machine
            except ImportError as error:  # the dev extras
                raise CommandError(
                    "The demo history needs time-machine (pip install .[dev])."
                ) from error
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                cast = (assessor, second, adjudicator)
                self._history(credential, cast, time_machine)
                self._live(credential, cast)
            self.stdout.write(self.style.SUCCESS(f"Double-scoring demo ready on “{credential}”."))
        self.stdout.write(
            f"  “{credential}” is scored by two assessors with adjudication. Sign in as "
            f"{SECOND[0]} for a blind second scoring, as {ADJUDICATOR[0]} for an adjudication."
        )
        for email, _ in (SECOND, ADJUDICATOR):
            self.stdout.write(f"  assessor  {email:<30} password: {DEMO_PASSWORD}")

    def _credential(self) -> MicroCredential | None:
        policy = (
            ScoringPolicy.objects.filter(
                credential__isnull=False, scoring_model=ScoringModel.DOUBLE_ADJUDICATED
            )
            .select_related("credential")
            .order_by("pk")
            .first()
        )
        if policy is not None:
            return policy.credential
        credential = (
            MicroCredential.objects.published().filter(slug=SLUG).first()
            or MicroCredential.objects.published().order_by("pk").first()
        )
        if credential is not None:
            scoring.scoring_policy_save(
                policy=ScoringPolicy(
                    organization=credential.organization,
                    credential=credential,
                    scoring_model=ScoringModel.DOUBLE_ADJUDICATED,
                ),
                actor=None,
            )
        return credential

    @staticmethod
    def _account(email: str, name: str) -> User:
        return account_ensure(email=email, name=name, password=DEMO_PASSWORD, is_staff=False).user

    # --- applications --------------------------------------------------------------------

    def _history(
        self, credential: MicroCredential, cast: tuple[User, User, User], time_machine: Any
    ) -> None:
        calendar = calendar_for(credential.organization)
        today = timezone.localdate()
        start = add_business_days(today - datetime.timedelta(days=120), 0, calendar=calendar)
        for index, (first, second) in enumerate(HISTORY):
            entered = add_business_days(start, index * 5, calendar=calendar)
            with time_machine.travel(_at(entered, 10), tick=False):
                review = self._submit(index + 1, credential)
                self._arrange(review, cast)
            with time_machine.travel(
                _at(add_business_days(entered, 3 + index % 4, calendar=calendar), 11), tick=False
            ):
                self._score(review, ScoringKind.FIRST, first)
                self._score(review, ScoringKind.SECOND, second)
            with time_machine.travel(
                _at(add_business_days(entered, 6 + index % 4, calendar=calendar), 15), tick=False
            ):
                # The adjudicator sides with the first scorer on even rows, the second on odd.
                self._give(review, ScoringKind.ADJUDICATION, cast[2])
                self._score(review, ScoringKind.ADJUDICATION, first if index % 2 else second)

    def _live(self, credential: MicroCredential, cast: tuple[User, User, User]) -> None:
        waiting = self._submit(len(HISTORY) + 1, credential)
        self._arrange(waiting, cast)
        self._score(waiting, ScoringKind.FIRST, ())
        disputed = self._submit(len(HISTORY) + 2, credential)
        self._arrange(disputed, cast)
        self._score(disputed, ScoringKind.FIRST, ())
        self._score(disputed, ScoringKind.SECOND, (0,))
        self._give(disputed, ScoringKind.ADJUDICATION, cast[2])

    def _submit(self, number: int, credential: MicroCredential) -> Review:
        learner = self._account(EDUCATOR.format(number), f"Demo Teacher {number}")
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        answers = {r.pk: _words(ANSWER, r.word_limit) for r in draft.responses.all()}
        self._save(draft, learner, submission_services.DraftChanges(answers=answers))
        for requirement in credential.evidence_requirements.filter(required=True):
            if requirement.kind == EvidenceKind.LINK:
                link = {
                    "title": requirement.title,
                    "url": "https://video.example.org/hinge-questions",
                    "requirement": requirement,
                }
                changes = submission_services.DraftChanges(new_link=link)
            else:
                upload = SimpleUploadedFile("lesson-plan.pdf", PDF, "application/pdf")
                changes = submission_services.DraftChanges(uploads=[(upload, requirement)])
            self._save(draft, learner, changes)
        submission = submission_services.submission_submit(
            submission=draft, actor=learner, attestations={k.value for k in AttestationKind}
        )
        return Review.objects.get(submission=submission)

    @staticmethod
    def _save(draft: Submission, learner: User, changes: Any) -> None:
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft, actor=learner, version=draft.version, changes=changes
        )

    def _arrange(self, review: Review, cast: tuple[User, User, User]) -> None:
        """The demo assessor scores first and assessor2 second (whoever least-loaded
        assignment chose), through the same reassignments staff would make."""
        first_user, second_user, spare = cast
        review.refresh_from_db()
        second = Scoring.objects.get(review=review, kind=ScoringKind.SECOND)
        try:
            if second.assessor_id == first_user.pk:
                other = spare if review.assessor_id == second_user.pk else second_user
                scoring.scoring_reassign(scoring_id=second.pk, assessor=other, actor=None)
            if review.assessor_id != first_user.pk:
                services.review_reassign(review_id=review.pk, assessor=first_user, actor=None)
        except AssessmentError:
            return  # calibration applies and someone is not certified: keep the assignment
        self._give(review, ScoringKind.SECOND, second_user)

    @staticmethod
    def _give(review: Review, kind: str, user: User) -> None:
        """Hand a scoring to a named demo assessor when they may take it."""
        held = Scoring.objects.filter(review=review, kind=kind).first()
        if held is not None and held.assessor_id != user.pk:
            try:
                scoring.scoring_reassign(scoring_id=held.pk, assessor=user, actor=None)
            except AssessmentError:
                pass  # not eligible here (calibration applies): whoever holds it keeps it

    @staticmethod
    def _score(review: Review, kind: str, not_met: tuple[int, ...]) -> None:
        held = Scoring.objects.filter(
            review=review, kind=kind, state=ScoringState.OPEN, assessor__isnull=False
        ).first()
        if held is None:
            return
        criteria = [int(c["id"]) for c in review.submission.rubric_snapshot]
        scores = {
            cid: services.ScoreInput(
                met=position not in not_met,
                feedback=""
                if position not in not_met
                else "Say what the answers showed and what you changed in the next lesson.",
            )
            for position, cid in enumerate(criteria)
        }
        scoring.scoring_submit(
            scoring_id=held.pk,
            actor=held.assessor,
            outcome="denied" if not_met else "awarded",
            scores=scores,
            comment="Clear evidence of checking for understanding."
            if not not_met
            else "Close: one part of the rubric is not yet shown.",
        )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _words(text: str, limit: int | None) -> str:
    words = text.split()
    return " ".join(words[: min(len(words), limit or len(words))])
