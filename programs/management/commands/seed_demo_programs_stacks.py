"""Demo data for stacks and issuer analytics: a stack of three demo
credentials, one learner who completed it (so the stack award and its CLR
exist) and one at two of three, and an organization admin who reads the
district's analytics. Everything goes through the real services (apply,
submit, waive the fee with the demo coupon, review, decide); the stack award
is issued by the same hook as in production. Safe to repeat: each step
checks what is already there.
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from accounts.services import account_ensure
from assessments import services as assessment_services
from assessments.models import Award, Outcome, ScoringModel
from assessments.selectors import scoring_policy_for
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import EvidenceKind, MemberRole, MicroCredential, Organization
from credentials.selectors import member_has_role
from credentials.services import member_add
from payments import services as payment_services
from payments.models import DiscountKind
from programs.models import Stack
from programs.services.stacks import stack_create, stack_member_add, stacks_check
from submissions import services as submission_services
from submissions.models import AttestationKind

ORGANIZATION = "riverside-usd"
STACK = "assessment-for-learning-stack"
COUPON = "DEMOSTACK"
COMPLETE = ("stacks-complete@example.org", "Dana Complete")
PARTWAY = ("stacks-partway@example.org", "Pat Partway")
ADMIN = ("issuer-admin@example.org", "Riley Issuer-Admin")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWER = "I planned short checks for understanding and adjusted the next lesson for my class."


class Command(BaseCommand):
    help = "A demo stack completed by one learner (with its CLR), another at 2 of 3 (repeatable)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_programs_stacks is for local demo data only.")
        organization = Organization.objects.filter(slug=ORGANIZATION).first()
        assessor = User.objects.filter(email="assessor@example.org").first()
        if organization is None or assessor is None:
            raise CommandError("Run `manage.py seed_demo` and `seed_demo_activity` first.")
        # Credentials one assessor decides alone, so the demo awards go through at once.
        credentials = [
            credential
            for credential in MicroCredential.objects.published()
            .filter(organization=organization)
            .order_by("title")
            if scoring_policy_for(credential=credential).scoring_model == ScoringModel.SINGLE
        ][:3]
        if len(credentials) < 3:
            raise CommandError("The demo district needs three published credentials.")
        users = {}
        with transaction.atomic():
            for email, name in (COMPLETE, PARTWAY, ADMIN):
                users[email] = account_ensure(
                    email=email, name=name, password=DEMO_PASSWORD, is_staff=False
                ).user
            admin = users[ADMIN[0]]
            if not member_has_role(
                user=admin, organization=organization, roles=(MemberRole.ADMIN,)
            ):
                member_add(organization=organization, user=admin, role=MemberRole.ADMIN, actor=None)
            stack = Stack.objects.filter(slug=STACK).first()
            if stack is None:
                stack = stack_create(
                    organization=organization,
                    title="Assessment for Learning",
                    slug=STACK,
                    summary="Three micro-credentials on checking, feedback and adjusting teaching.",
                    credit_hours=15,
                    validity_months=36,
                    actor=None,
                )
                for credential in credentials:
                    stack_member_add(stack=stack, credential=credential, actor=None)
            payment_services.coupon_ensure(
                code=COUPON,
                terms={
                    "description": "Demo: waives the whole fee (stacks)",
                    "kind": DiscountKind.PERCENT,
                    "percent_off": 100,
                    "max_per_learner": 1000,
                },
            )
            for organization_row in Organization.objects.order_by("pk"):
                assessment_services.assessor_scope_grant(
                    user=assessor, organization=organization_row
                )
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for email, count in ((COMPLETE[0], 3), (PARTWAY[0], 2)):
                for credential in credentials[:count]:
                    self._award(users[email], credential, assessor)
                stacks_check(learner=users[email])
        self.stdout.write(
            self.style.SUCCESS(f"Stacks demo ready: {settings.SITE_URL}/stacks/{STACK}/")
        )
        for email, who in (
            (COMPLETE[0], "completed the stack (award and CLR)"),
            (PARTWAY[0], "2 of 3 earned"),
            (ADMIN[0], f"admin of {organization.name}: {settings.SITE_URL}/analytics/"),
        ):
            self.stdout.write(f"  {email:<30} password: {DEMO_PASSWORD}  {who}")

    def _award(self, learner: User, credential: MicroCredential, assessor: User) -> None:
        """Apply, submit, waive the fee and award, unless the learner holds it."""
        if Award.objects.filter(learner=learner, credential=credential).exists():
            return
        draft, _ = submission_services.submission_apply(learner=learner, credential=credential)
        answers = {r.pk: ANSWER for r in draft.responses.all()}
        self._save(draft, learner, submission_services.DraftChanges(answers=answers))
        for requirement in credential.evidence_requirements.filter(required=True):
            if requirement.kind == EvidenceKind.LINK:
                link = {
                    "title": requirement.title,
                    "url": "https://video.example.org/lesson",
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
        if submission.fee_cents:
            payment_services.payment_start(submission=submission, actor=learner, coupon_code=COUPON)
            submission.refresh_from_db()
        review = submission.review
        scores = {
            int(c["id"]): assessment_services.ScoreInput(met=True, feedback="")
            for c in submission.rubric_snapshot
        }
        assessment_services.review_decide(
            review_id=review.pk,
            actor=review.assessor or assessor,
            outcome=Outcome.AWARDED,
            scores=scores,
        )

    @staticmethod
    def _save(draft: Any, learner: User, changes: Any) -> None:
        draft.refresh_from_db()
        submission_services.draft_save(
            submission=draft, actor=learner, version=draft.version, changes=changes
        )
