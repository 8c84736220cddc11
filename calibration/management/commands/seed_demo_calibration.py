"""Demo data for calibration, the quality dashboard and the turnaround figures.

Runs after ``seed_demo`` and ``seed_demo_activity``. On the demo credential
scored by two assessors with adjudication (the first credential with such a
policy; otherwise "Checking for Understanding in Real Time", given that
policy here):

- three certified assessors: the demo assessor, the second scorer and the
  adjudicator of the double-scoring demo (seed_demo_scoring, when it ran
  before: its decided history is used as it is); without that history, five
  months of decided applications from demo educators are played here
  through the real services at past dates (time-machine moves the clock),
  so paired scorings, adjudications, due dates and decisions are exactly
  what the services write;
- a calibration set of three anchors: two decided applications (consent
  recorded, text blinded) and one example written by staff;
- the demo assessor and colleagues certified by passing it, and a new
  assessor halfway through it.

Safe to repeat: a credential that already has a calibration set is left as
it is. Local demo only (DEMO_DATA_ALLOWED).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfWriter

from accounts.models import User
from accounts.services import account_ensure
from assessments import services as assessment_services
from assessments.business_days import add_business_days, calendar_for
from assessments.models import (
    Review,
    Scoring,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)
from calibration import services
from calibration.models import CalibrationSet
from calibration.selectors import sets
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import EvidenceKind, MicroCredential
from submissions import services as submission_services
from submissions.models import AttestationKind, Status, Submission

FALLBACK_SLUG = "checking-for-understanding"
ASSESSOR = "assessor@example.org"
# The second scorer and the adjudicator of the double-scoring demo (seed_demo_scoring).
COLLEAGUES = [("assessor2@example.org", "Blake Bell"), ("assessor3@example.org", "Casey Cruz")]
NEWCOMER = ("new.assessor@example.org", "Nadia Newcomer")
EDUCATORS = 18
# Business days from entering review to the decision, one per application:
# most within the 14-day SLA, two beyond it.
DAYS = [3, 5, 8, 2, 11, 6, 4, 9, 13, 16, 7, 5, 10, 3, 12, 6, 15, 4]
# Applications on which the second assessor marks one criterion differently.
DISAGREE = {4, 9, 13}
ANSWER = (
    "I teach sixth grade mathematics. Before the lesson I wrote the learning intention on "
    "the board and planned three hinge questions; every student answered on a mini "
    "whiteboard, and I regrouped the class when half chose the same wrong answer."
)


class Command(BaseCommand):
    help = "Calibration set, certified assessors and decided history for the demo (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_calibration does not run with production settings.")
        assessor = User.objects.filter(email=ASSESSOR).first()
        credential = self._credential()
        if assessor is None or credential is None:
            raise CommandError("Run seed_demo and seed_demo_activity first.")
        organization = credential.organization
        colleagues = [self._account(email, name) for email, name in COLLEAGUES]
        newcomer = self._account(*NEWCOMER)
        staff = User.objects.filter(is_staff=True, is_superuser=True).order_by("pk").first()
        calibration_set = CalibrationSet.objects.filter(credential=credential).first()
        if calibration_set is None:
            for user in colleagues:
                assessment_services.assessor_scope_grant(user=user, organization=organization)
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                decided = self._decided(credential) or self._history(credential)
                calibration_set = self._calibration_set(credential, decided, staff)
                for user in [assessor, *colleagues]:
                    self._calibrate(calibration_set, user, perfect=user != assessor)
            assessment_services.assessor_scope_grant(user=newcomer, organization=organization)
            attempt = services.attempt_start(calibration_set=calibration_set, actor=newcomer)
            anchor = calibration_set.anchors.order_by("position").first()
            if anchor is not None:
                services.attempt_answer_save(
                    attempt_id=attempt.pk,
                    anchor=anchor,
                    outcome=anchor.true_outcome,
                    marks={s.criterion_id: s.met for s in anchor.true_scores.all()},
                    actor=newcomer,
                )
            self.stdout.write(self.style.SUCCESS(f"Calibration demo ready on “{credential}”."))
        else:
            self.stdout.write(f"Calibration demo already present on “{credential}”.")
        self.stdout.write(
            "  Calibration: the demo assessor and colleagues are certified; "
            f"{NEWCOMER[0]} is halfway through. Password for these: {DEMO_PASSWORD}"
        )
        for email, _ in [*COLLEAGUES, NEWCOMER]:
            self.stdout.write(f"  assessor  {email:<30} password: {DEMO_PASSWORD}")

    # --- who and what ------------------------------------------------------------------

    def _credential(self) -> MicroCredential | None:
        """The demo's double-scored credential with adjudication (given that policy
        when no credential has one yet)."""
        policy = (
            ScoringPolicy.objects.filter(
                credential__isnull=False,
                credential__is_published=True,
                scoring_model=ScoringModel.DOUBLE_ADJUDICATED,
            )
            .select_related("credential")
            .order_by("pk")
            .first()
        )
        if policy is not None:
            return policy.credential
        credential = MicroCredential.objects.published().filter(slug=FALLBACK_SLUG).first()
        if credential is not None:
            from assessments.scoring import scoring_policy_save

            scoring_policy_save(
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

    # --- five months of decisions ---

    @staticmethod
    def _decided(credential: MicroCredential) -> list[Submission]:
        """The credential's decided applications when the double-scoring demo already
        played a history (then none is added here); empty otherwise."""
        decided = list(
            Submission.objects.filter(
                credential=credential, status__in=(Status.AWARDED, Status.DENIED)
            ).order_by("decided_at", "pk")
        )
        return decided if len(decided) >= 6 else []

    def _history(self, credential: MicroCredential) -> list[Submission]:
        """Applications from demo educators, each decided a few business days after
        it entered review, played in time order (so reviews overlap and the work
        spreads over the assessors as assignment does); returns the decided ones."""
        try:
            import time_machine
        except ImportError as error:  # the dev extras
            raise CommandError("The demo history needs time-machine: pip install .[dev]") from error
        calendar = calendar_for(credential.organization)
        today = timezone.localdate()
        start = add_business_days(today - datetime.timedelta(days=150), 0, calendar=calendar)
        events: list[tuple[datetime.datetime, int, int]] = []
        for index in range(EDUCATORS):
            entered = add_business_days(start, index * 4, calendar=calendar)
            decision_day = add_business_days(entered, DAYS[index], calendar=calendar)
            if decision_day >= today:
                break
            events += [(_at(entered, 10), 0, index), (_at(decision_day, 14), 1, index)]
        submissions: dict[int, Submission] = {}
        for moment, kind, index in sorted(events):
            with time_machine.travel(moment, tick=False):
                if kind == 0:
                    learner = self._account(
                        f"educator{index + 1:02d}@example.org", f"Demo Educator {index + 1}"
                    )
                    if not Submission.objects.filter(
                        learner=learner, credential=credential
                    ).exists():
                        submissions[index] = self._submit(learner, credential)
                elif index in submissions:
                    self._score(submissions[index], index)
        decided = []
        for index in sorted(submissions):
            submission = submissions[index]
            submission.refresh_from_db()
            if submission.status in (Status.AWARDED, Status.DENIED):
                decided.append(submission)
        return decided

    def _submit(self, learner: User, credential: MicroCredential) -> Submission:
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        answers = {r.pk: _words(ANSWER, r.word_limit) for r in draft.responses.all()}
        self._save(draft, learner, submission_services.DraftChanges(answers=answers))
        for requirement in credential.evidence_requirements.filter(required=True):
            if requirement.kind == EvidenceKind.LINK:
                link = {
                    "title": requirement.title,
                    "url": "https://video.example.org/demo-lesson",
                    "requirement": requirement,
                }
                changes = submission_services.DraftChanges(new_link=link)
            else:
                upload = SimpleUploadedFile("lesson-plan.pdf", _pdf(), "application/pdf")
                changes = submission_services.DraftChanges(uploads=[(upload, requirement)])
            self._save(draft, learner, changes)
        return submission_services.submission_submit(
            submission=draft, actor=learner, attestations={k.value for k in AttestationKind}
        )

    @staticmethod
    def _save(draft: Submission, learner: User, changes: Any) -> None:
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft, actor=learner, version=draft.version, changes=changes
        )

    def _score(self, submission: Submission, index: int) -> None:
        """Both assessors score (one criterion apart on a few applications); an
        adjudicator settles those that differ; a single-scored review is decided."""
        from assessments.scoring import scoring_submit

        criteria = [int(c["id"]) for c in submission.rubric_snapshot]
        awarded = index % 3 != 0
        truth = {cid: awarded or n != index % len(criteria) for n, cid in enumerate(criteria)}
        review = Review.objects.get(submission=submission)
        if review.scoring_model == ScoringModel.SINGLE:
            if review.assessor is not None:
                assessment_services.review_decide(
                    review_id=review.pk,
                    actor=review.assessor,
                    outcome=_outcome(truth),
                    scores=_scores(truth),
                )
            return
        for _ in range(3):
            scoring = (
                Scoring.objects.filter(
                    review=review, state=ScoringState.OPEN, assessor__isnull=False
                )
                .order_by("pk")
                .first()
            )
            if scoring is None:
                return
            marks = dict(truth)
            if scoring.kind == "second" and index in DISAGREE:
                flipped = criteria[(index + 1) % len(criteria)]
                marks[flipped] = not marks[flipped]
            scoring_submit(
                scoring_id=scoring.pk,
                actor=scoring.assessor,
                outcome=_outcome(marks),
                scores=_scores(marks),
            )

    # --- the calibration set -----------------------------------------------------------

    def _calibration_set(
        self, credential: MicroCredential, decided: list[Submission], staff: User | None
    ) -> CalibrationSet:
        calibration_set = services.calibration_set_save(
            calibration_set=CalibrationSet(
                credential=credential, title=f"Calibration: {credential.title}"
            ),
            actor=staff,
        )
        awarded = next((s for s in decided if s.status == Status.AWARDED), None)
        denied = next((s for s in decided if s.status == Status.DENIED), None)
        for submission in (awarded, denied):
            if submission is None:
                continue
            parts, criteria, initial = sets.anchor_draft(submission=submission)
            outcome = submission.status
            scores = {
                int(c["id"]): services.TrueScore(
                    met=initial.get(f"met_{c['id']}", "met" if outcome == "awarded" else "")
                    == "met",
                    rationale=(
                        "The evidence shows it: the plan, the students' answers and the "
                        "decision that followed agree."
                        if initial.get(f"met_{c['id']}") == "met"
                        else "Not yet: the reflection does not say what the answers showed."
                    ),
                )
                for c in criteria
            }
            services.anchor_create_from_submission(
                calibration_set=calibration_set,
                submission=submission,
                consent_note="The educator agreed by email to the use of this application "
                "for assessor calibration.",
                content=parts,
                true_outcome=outcome,
                rationale="Agreed by two senior assessors after discussion."
                if outcome == "awarded"
                else "Denied: at least one criterion is not yet met, as the feedback explains.",
                scores=scores,
                actor=staff,
            )
        rubric = list(credential.rubric_criteria.all())
        services.anchor_create_synthetic(
            calibration_set=calibration_set,
            credential=credential,
            content=[
                {"part": str(p.part), "prompt": p.text, "text": _words(SYNTHETIC, p.word_limit)}
                for p in credential.prompts.all()
            ],
            true_outcome="denied",
            rationale="Denied: the questions were asked, but the lesson did not change "
            "with the answers.",
            scores={
                c.pk: services.TrueScore(
                    met=n < len(rubric) - 1,
                    rationale="Shown clearly."
                    if n < len(rubric) - 1
                    else "The answers were collected but no instructional decision followed.",
                )
                for n, c in enumerate(rubric)
            },
            actor=staff,
        )
        return calibration_set

    @staticmethod
    def _calibrate(calibration_set: CalibrationSet, user: User, *, perfect: bool) -> None:
        """Score every anchor (all as the truth has it, or with one mark off) and submit."""
        attempt = services.attempt_start(calibration_set=calibration_set, actor=user)
        anchors = list(calibration_set.anchors.prefetch_related("true_scores"))
        for number, anchor in enumerate(anchors):
            marks = {s.criterion_id: s.met for s in anchor.true_scores.all()}
            if not perfect and number == len(anchors) - 1 and anchor.true_outcome == "denied":
                # One criterion judged more strictly than the truth; still denied.
                strict = next((cid for cid, met in marks.items() if met), None)
                if strict is not None:
                    marks[strict] = False
            services.attempt_answer_save(
                attempt_id=attempt.pk,
                anchor=anchor,
                outcome=anchor.true_outcome,
                marks=marks,
                actor=user,
            )
        services.attempt_submit(attempt_id=attempt.pk, actor=user)


SYNTHETIC = (
    "I asked my grade 4 class three questions about equivalent fractions and collected "
    "their answers on exit tickets. Most students answered the second question wrongly. "
    "The next day I taught the lesson I had planned before."
)


def _pdf() -> bytes:
    """A one-page PDF that opens (the pre-check opens every file)."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _words(text: str, limit: int | None) -> str:
    words = text.split()
    return " ".join(words[: min(len(words), limit or len(words))])


def _outcome(marks: dict[int, bool]) -> str:
    return "awarded" if all(marks.values()) else "denied"


def _scores(marks: dict[int, bool]) -> dict[int, assessment_services.ScoreInput]:
    return {
        cid: assessment_services.ScoreInput(
            met=met,
            feedback="" if met else "Say what the students' answers showed and what you changed.",
        )
        for cid, met in marks.items()
    }
