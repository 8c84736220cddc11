"""Demo data for review operations: a duplicate-evidence flag in the staff queue
and a resubmission whose changes the assessor can read.

Run after ``seed_demo`` and ``seed_demo_activity``. Through the real services:
two learners submit "Checking for Understanding" with the same lesson plan
and a copied reflection (the submit's fingerprinting opens a flag), and a
third is denied with feedback, resubmits with a note, a revised answer and a
new file, and waits in the demo assessor's queue. Safe to repeat: each part
is skipped once its learner has applied.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from accounts.models import User
from accounts.services import account_ensure
from assessments import services as assessment_services
from assessments.models import Outcome
from checks.services import duplicates
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import EvidenceKind, MicroCredential
from submissions import services as submission_services
from submissions.models import AttestationKind, Submission

CREDENTIAL = "checking-for-understanding"
ASSESSOR = "assessor@example.org"
ORIGINAL = ("ana.ruiz@example.org", "Ana Ruiz")
COPIER = ("ben.okafor@example.org", "Ben Okafor")
RESUBMITTER = ("cara.nguyen@example.org", "Cara Nguyen")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SHARED_PLAN = PDF + b"% exit ticket lesson plan, fractions unit, week 3\n"

REFLECTION = (
    "During our fractions unit I started each lesson with a three question exit ticket from "
    "the day before. When more than half of the class missed the question on equivalent "
    "fractions I regrouped students the next morning. One group worked with fraction strips "
    "while I pulled the others for a short mini lesson using number lines. By Thursday the "
    "exit tickets showed most students could explain why two fourths equals one half."
)
COPIED = (
    "During our fractions unit I began each class with a three question exit ticket from the "
    "day before. When more than half of the learners missed the question on equivalent "
    "fractions I regrouped students the following morning. One group worked with fraction "
    "strips while I pulled the others for a short mini lesson using number lines. By Thursday "
    "the exit tickets showed most students could explain why two fourths equals one half."
)
FIRST_TRY = (
    "I teach fourth grade in a school where many students are learning English. I used "
    "thumbs up and thumbs down to check whether students understood the lesson on area."
)
SECOND_TRY = (
    "I teach fourth grade in a school where many students are learning English. I used "
    "mini whiteboards and a two question exit ticket to check whether each student could "
    "find the area of a rectangle, then regrouped the six students who could not."
)


class Command(BaseCommand):
    help = "A duplicate-evidence flag and a resubmission with changes to read (safe to repeat)."

    def handle(self, *args, **options):
        from django.conf import settings

        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data does not run with production settings.")
        credential = MicroCredential.objects.published().filter(slug=CREDENTIAL).first()
        assessor = User.objects.filter(email=ASSESSOR).first()
        if credential is None or assessor is None:
            raise CommandError("Run seed_demo and seed_demo_activity first.")
        learners = {
            email: account_ensure(
                email=email, name=name, password=DEMO_PASSWORD, is_staff=False
            ).user
            for email, name in (ORIGINAL, COPIER, RESUBMITTER)
        }
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            if not Submission.objects.filter(learner=learners[COPIER[0]]).exists():
                self._submit(learners[ORIGINAL[0]], credential, REFLECTION, SHARED_PLAN)
                copy = self._submit(learners[COPIER[0]], credential, COPIED, SHARED_PLAN)
                # Normally queued on commit; asked again here so the demo never depends on a worker.
                duplicates.submission_fingerprint(submission_id=copy.pk)
            if not Submission.objects.filter(learner=learners[RESUBMITTER[0]]).exists():
                self._resubmission(learners[RESUBMITTER[0]], credential, assessor)
        self.stdout.write(self.style.SUCCESS("Review operations demo ready:"))
        self.stdout.write(
            "  staff@example.org: Shared evidence queue at /checks/flags/ (one open flag)"
        )
        self.stdout.write(
            "  assessor@example.org: the resubmission by "
            f"{RESUBMITTER[1]} in the review queue, with “What changed”"
        )
        for email, _name in (ORIGINAL, COPIER, RESUBMITTER):
            self.stdout.write(f"  learner   {email:<26} password: {DEMO_PASSWORD}")

    def _save(self, draft, learner, changes):
        result = submission_services.draft_save(
            submission=draft, actor=learner, version=draft.version, changes=changes
        )
        draft.version = result.version

    def _fill(self, draft, learner, text, pdf, note=None):
        """``text`` answers the first reflection prompt; the other answers are the
        learner's own short sentences."""
        responses = list(draft.responses.all())
        main = next((r for r in responses if r.part == 3), responses[0])
        answers = {
            r.pk: self._fit(text, r.word_limit)
            if r.pk == main.pk
            else f"{learner.name}: {r.prompt_text[:60]} (my own words here)."
            for r in responses
        }
        self._save(
            draft,
            learner,
            submission_services.DraftChanges(answers=answers, resubmission_note=note),
        )
        for requirement in draft.credential.evidence_requirements.filter(required=True):
            if (
                draft.attachments.filter(requirement=requirement).exists()
                or draft.links.filter(requirement=requirement).exists()
            ):
                continue
            if requirement.kind == EvidenceKind.LINK:
                link = {
                    "title": requirement.title,
                    "url": "https://video.example.org/demo-lesson",
                    "requirement": requirement,
                }
                self._save(draft, learner, submission_services.DraftChanges(new_link=link))
            else:
                upload = SimpleUploadedFile("lesson-plan.pdf", pdf, "application/pdf")
                self._save(
                    draft,
                    learner,
                    submission_services.DraftChanges(uploads=[(upload, requirement)]),
                )

    @staticmethod
    def _fit(text, limit):
        words = text.split()
        return " ".join(words[:limit]) if limit else text

    def _submit(self, learner, credential, text, pdf):
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        self._fill(draft, learner, text, pdf)
        return submission_services.submission_submit(
            submission=draft, actor=learner, attestations={k.value for k in AttestationKind}
        )

    def _resubmission(self, learner, credential, assessor):
        first = self._submit(learner, credential, FIRST_TRY, PDF + b"% first plan\n")
        self._to_demo_assessor(first, assessor)
        review = first.review
        review.refresh_from_db()
        scores = {
            int(c["id"]): assessment_services.ScoreInput(met=True, feedback="")
            for c in first.rubric_snapshot
        }
        criterion = int(first.rubric_snapshot[0]["id"])
        scores[criterion] = assessment_services.ScoreInput(
            met=False,
            feedback="Thumbs up and down does not show what each student understood. "
            "Use a check that gives you evidence from every student, and say what you did next.",
        )
        assessment_services.review_decide(
            review_id=review.pk,
            actor=assessor,
            outcome=Outcome.DENIED,
            scores=scores,
            comment="A good start: make the check show each student's thinking.",
        )
        draft = submission_services.submission_resubmit(submission=first, actor=learner)
        self._fill(
            draft,
            learner,
            SECOND_TRY,
            PDF,
            note="I replaced thumbs up and down with whiteboards and an exit ticket, and "
            "added what I did for the six students who could not yet find the area.",
        )
        upload = SimpleUploadedFile(
            "exit-tickets.pdf", PDF + b"% exit tickets\n", "application/pdf"
        )
        self._save(
            draft,
            learner,
            submission_services.DraftChanges(
                uploads=[(upload, credential.evidence_requirements.first())]
            ),
        )
        second = submission_services.submission_submit(
            submission=draft, actor=learner, attestations={k.value for k in AttestationKind}
        )
        self._to_demo_assessor(second, assessor)
        return second

    @staticmethod
    def _to_demo_assessor(submission, assessor):
        review = submission.review
        if review.assessor_id != assessor.pk:
            assessment_services.review_reassign(
                review_id=review.pk, assessor=assessor, actor=None, reason="Demo"
            )
