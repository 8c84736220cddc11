"""Give the demo learner a history, so every page has something to show.

Run after ``seed_demo``. It makes the demo assessor an assessor for every
organization, then goes through the real services (apply, save, submit, pay
with a coupon, review, decide) for the demo learner, so the demo shows exactly
what a learner would: a draft, an application awaiting payment, one in
review, one awarded with its badge, one denied with feedback and a Resubmit
action, a favorite, and a help request answered by staff. Safe to repeat:
it does nothing once the demo learner has applications (or a help request).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Outcome
from credentials.models import EvidenceKind, MicroCredential, Organization
from credentials.services import favorite_set
from helpdesk import services as helpdesk_services
from helpdesk.models import Ticket
from payments import services as payment_services
from payments.models import DiscountKind
from submissions import services as submission_services
from submissions.models import AttestationKind, Status, Submission

LEARNER = "learner@example.org"
ASSESSOR = "assessor@example.org"
STAFF = "staff@example.org"
DEMO_COUPON = "DEMO100"
# A one-page PDF is enough evidence for a demo; its content is sniffed like any upload.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWER = (
    "I teach seventh grade science in a public middle school where many students are "
    "learning English. I planned short checks for understanding and adjusted the next lesson."
)


class Command(BaseCommand):
    help = "Give the demo learner drafts, submissions, an award and a denial (safe to repeat)."

    def handle(self, *args, **options):
        learner = User.objects.filter(email=LEARNER).first()
        assessor = User.objects.filter(email=ASSESSOR).first()
        if learner is None or assessor is None:
            raise CommandError("Run seed_demo first: the demo accounts are missing.")
        for organization in Organization.objects.order_by("pk"):
            assessment_services.assessor_scope_grant(user=assessor, organization=organization)
        coupon, _ = payment_services.coupon_ensure(
            code=DEMO_COUPON,
            terms={
                "description": "Demo: waives the whole fee",
                "kind": DiscountKind.PERCENT,
                "percent_off": 100,
                "max_per_learner": 1000,
            },
        )
        if Submission.objects.filter(learner=learner).exists():
            self.stdout.write("Demo activity already present.")
            self._help_request(learner)
            self._accounts()
            return
        credentials = list(MicroCredential.objects.published().order_by("fee_cents", "title"))
        if len(credentials) < 6:
            raise CommandError("Run seed_demo first: six published credentials are needed.")
        free, awarded, denied, in_review, unpaid, draft = credentials[:6]
        # Demo email would only clutter the console of `make run`.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._draft(learner, draft)
            self._submit(learner, unpaid)
            self._submit(learner, in_review, coupon=coupon)
            for credential, outcome in ((awarded, Outcome.AWARDED), (denied, Outcome.DENIED)):
                submission = self._submit(learner, credential, coupon=coupon)
                self._decide(assessor, submission, outcome)
            self._submit(learner, free)
            favorite_set(user=learner, credential=credentials[-1], favorite=True)
        self._help_request(learner)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo activity ready for {LEARNER}; the coupon {DEMO_COUPON} waives any fee."
            )
        )
        self._accounts()

    def _accounts(self) -> None:
        from django.conf import settings

        from credentials.management.commands.seed_demo import DEMO_PASSWORD, demo_catalog

        self.stdout.write(f"\nOpen {settings.SITE_URL} and log in with one of these accounts:")
        for user in demo_catalog()["accounts"]:
            self.stdout.write(f"  {user['role']:<9} {user['email']:<22} password: {DEMO_PASSWORD}")

    def _help_request(self, learner) -> None:
        """One help request about the application in review, answered by staff (once)."""
        staff = User.objects.filter(email=STAFF).first()
        submission = Submission.objects.filter(learner=learner, status=Status.IN_REVIEW).first()
        if staff is None or submission is None or Ticket.objects.filter(requester=learner).exists():
            return
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            ticket = helpdesk_services.ticket_create(
                requester=learner,
                email=learner.email,
                subject="Can I add a link to my application in review?",
                message="I forgot to add the video of my second lesson. "
                f"Can I still add it to {submission.reference}?",
                submission=submission,
                page_url=submission.get_absolute_url(),
            )
            helpdesk_services.ticket_assign(ticket_id=ticket.pk, assignee=staff, actor=staff)
            helpdesk_services.ticket_answer(
                ticket_id=ticket.pk,
                actor=staff,
                body="Thank you for asking. A submitted application is frozen so that your "
                "assessor reviews exactly what you sent, so the video cannot be added now. "
                "If the application is not awarded, Resubmit starts a new attempt with "
                "everything you sent, and you can add the video there.",
            )

    def _draft(self, learner, credential) -> Submission:
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        responses = list(draft.responses.all())
        answers = {r.pk: self._answer(r.word_limit) for r in responses[: len(responses) // 2]}
        self._save(draft, learner, submission_services.DraftChanges(answers=answers))
        return draft

    def _submit(self, learner, credential, coupon=None) -> Submission:
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        answers = {r.pk: self._answer(r.word_limit) for r in draft.responses.all()}
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
                upload = SimpleUploadedFile(f"{credential.slug}.pdf", PDF, "application/pdf")
                changes = submission_services.DraftChanges(uploads=[(upload, requirement)])
            self._save(draft, learner, changes)
        submission = submission_services.submission_submit(
            submission=draft, actor=learner, attestations={k.value for k in AttestationKind}
        )
        if coupon is not None and submission.fee_cents:
            payment_services.payment_start(
                submission=submission, actor=learner, coupon_code=coupon.code
            )
            submission.refresh_from_db()
        return submission

    def _decide(self, assessor, submission, outcome) -> None:
        review = submission.review
        scores = {}
        for index, criterion in enumerate(submission.rubric_snapshot):
            met = outcome == Outcome.AWARDED or index > 0
            feedback = "" if met else "Say which students the checks reached and what changed next."
            score = assessment_services.ScoreInput(met=met, feedback=feedback)
            scores[int(criterion["id"])] = score
        actor = review.assessor or assessor
        assessment_services.review_decide(
            review_id=review.pk, actor=actor, outcome=outcome, scores=scores
        )

    @staticmethod
    def _save(draft, learner, changes) -> None:
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft, actor=learner, version=draft.version, changes=changes
        )

    @staticmethod
    def _answer(limit) -> str:
        words = ANSWER.split()
        return " ".join(words[: min(len(words), limit or len(words))])
