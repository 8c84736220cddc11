"""Demo data for the completeness pre-check and the Incomplete status.

Run after ``seed_demo`` and ``seed_demo_activity``. For the demo learner,
through the real services:

- their latest application in review is returned as Incomplete by its
  assessor ("the lesson video link does not open"), to fix and resubmit
  from the dashboard;
- their draft gets a Google Drive link only its owner can open, whose
  pre-check shows the warning and the fix. The demo needs no network: the link's result
  is what the checker reads from a saved copy of Drive's "You need access"
  page (checks/demo/), stored as a finished check.

Safe to repeat: each part is skipped once it exists.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from accounts.models import User
from assessments import services as assessment_services
from assessments.models import Review
from checks.files import check_file
from checks.links import read_page
from checks.models import PrecheckTrigger
from checks.services.precheck import precheck_store
from core.safe_fetch import FetchResult
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import EvidenceKind
from submissions import services as submission_services
from submissions.models import Status, Submission

LEARNER = "learner@example.org"
ASSESSOR = "assessor@example.org"
DRIVE_LINK = "https://drive.google.com/file/d/1DemoObservationVideo/view"
DRIVE_PAGE = Path(__file__).resolve().parents[3] / "checks" / "demo" / "drive_need_access.html"
NOTE = (
    "The lesson video link does not open for me: it asks me to sign in. Please share the "
    "video so that anyone with the link can view it (or upload it here), then resubmit."
)


class Command(BaseCommand):
    help = "An application returned as Incomplete and a draft with a link warning (safe to repeat)."

    def handle(self, *args, **options):
        from django.conf import settings

        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data does not run with production settings.")
        learner = User.objects.filter(email=LEARNER).first()
        assessor = User.objects.filter(email=ASSESSOR).first()
        if learner is None or assessor is None:
            raise CommandError("Run seed_demo and seed_demo_activity first.")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            mine = Submission.objects.filter(learner=learner)
            if not mine.filter(returned_at__isnull=False).exists():
                in_review = (
                    mine.filter(status=Status.IN_REVIEW, review__assessor__isnull=False)
                    .order_by("-pk")
                    .first()
                )
                if in_review is not None:
                    self._return(in_review)
            draft = mine.filter(status=Status.DRAFT).order_by("-pk").first()
            if draft is not None and not draft.links.filter(url=DRIVE_LINK).exists():
                self._draft_with_warning(learner, draft)
        self.stdout.write(self.style.SUCCESS("Pre-check demo ready:"))
        self.stdout.write(
            f"  learner   {LEARNER:<22} password: {DEMO_PASSWORD}  (dashboard: an Incomplete "
            "application to fix and resubmit; a draft whose Drive link needs sharing)"
        )
        self.stdout.write(
            f"  assessor  {ASSESSOR:<22} password: {DEMO_PASSWORD}  (the pre-check on each "
            "review page; Return as incomplete)"
        )

    @staticmethod
    def _return(submission) -> None:
        review = Review.objects.get(submission=submission)
        assessment_services.review_return_incomplete(
            review_id=review.pk, actor=review.assessor, note=NOTE
        )

    def _draft_with_warning(self, learner, draft) -> None:
        requirement = draft.credential.evidence_requirements.filter(
            kind__in=[EvidenceKind.LINK, EvidenceKind.ANY]
        ).first()
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft,
            actor=learner,
            version=draft.version,
            changes=submission_services.DraftChanges(
                new_link={
                    "title": "Observation video (Google Drive)",
                    "url": DRIVE_LINK,
                    "requirement": requirement,
                }
            ),
        )
        findings: list[dict[str, object]] = []
        for attachment in draft.attachments.all():
            with attachment.file.open("rb") as handle:
                result = check_file(handle.read(), attachment.content_type)
            findings.append({"kind": "file", "ref": str(attachment.uuid), "code": result.code})
        page = FetchResult(
            url=DRIVE_LINK,
            status=200,
            headers={"content-type": "text/html; charset=utf-8"},
            body=DRIVE_PAGE.read_bytes(),
        )
        for link in draft.links.filter(url=DRIVE_LINK):
            checked = read_page(link.url, page)
            findings.append(
                {
                    "kind": "link",
                    "ref": str(link.pk),
                    "url": link.url,
                    "code": checked.code,
                    "provider": checked.provider,
                    "status": checked.status,
                    "detail": "",
                }
            )
        precheck_store(
            submission=draft, trigger=PrecheckTrigger.DRAFT, actor=learner, findings=findings
        )
