"""A demo district: a coach, a cohort of five teachers at different stages
(one more invited who has not accepted, so invisible), a cohort code, an API
token and a webhook endpoint with a logged delivery. Everything goes through
the services. Safe to repeat: rows are found by email, name or URL.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings

from accounts.services import account_ensure
from assessments.models import Outcome, ScoringModel
from assessments.selectors import scoring_policy_for
from credentials.management.commands.seed_demo import DEMO_PASSWORD
from credentials.models import MicroCredential, Organization
from dashboard.management.commands.seed_demo_activity import ASSESSOR
from dashboard.management.commands.seed_demo_activity import Command as Activity
from partner_api import services as api_services
from partner_api.models import WebhookEndpoint, WebhookEvent
from programs.cohort_models import Cohort, Enrollment, PartnerKind, PartnerRole
from programs.services import cohorts
from submissions.models import Submission

DISTRICT = "riverside-usd"
COACH = "coach@example.org"
PARTNER_ADMIN = "district-admin@example.org"
COHORT = "Riverside fall 2026 cohort"
HOOK_URL = "https://hooks.example.org/microcredentials"
TEACHERS = [
    ("teacher1@example.org", "Ana Flores", "not_started"),
    ("teacher2@example.org", "Ben Okafor", "draft"),
    ("teacher3@example.org", "Chloe Martin", "in_review"),
    ("teacher4@example.org", "Dev Patel", "awarded"),
    ("teacher5@example.org", "Erin Walsh", "denied"),
]


class Command(BaseCommand):
    help = "Create or refresh the demo district, its cohort, code and webhook (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("seed_demo_partners does not run with production settings.")
        from accounts.models import User

        assessor = User.objects.filter(email=ASSESSOR).first()
        # Credentials one assessor decides alone, so the demo decisions go through at once.
        credentials = [
            credential
            for credential in MicroCredential.objects.published().order_by("fee_cents", "title")
            if scoring_policy_for(credential=credential).scoring_model == ScoringModel.SINGLE
        ][:2]
        if assessor is None or len(credentials) < 2:
            raise CommandError("Run seed_demo and seed_demo_activity first.")
        organization = Organization.objects.filter(slug=DISTRICT).first()
        if organization is None:
            raise CommandError("Run seed_demo first: the demo district is missing.")
        # Demo email would only clutter the console of `make run`.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._run(organization, credentials, assessor)

    def _run(self, organization, credentials, assessor) -> None:  # noqa: ANN001
        partner = cohorts.partner_create(
            organization=organization, kind=PartnerKind.DISTRICT, actor=None
        )
        coach = account_ensure(
            email=COACH, name="Cora Coach", password=DEMO_PASSWORD, is_staff=False
        ).user
        admin = account_ensure(
            email=PARTNER_ADMIN, name="Dana District", password=DEMO_PASSWORD, is_staff=False
        ).user
        cohorts.partner_member_add(partner=partner, user=coach, role=PartnerRole.COACH, actor=None)
        cohorts.partner_member_add(partner=partner, user=admin, role=PartnerRole.ADMIN, actor=None)
        cohort = Cohort.objects.filter(partner=partner, name=COHORT).first()
        if cohort is None:
            cohort = cohorts.cohort_create(
                partner=partner, name=COHORT, credentials=credentials, actor=admin
            )
        code = cohorts.cohort_code_create(cohort=cohort, actor=admin)
        if not WebhookEndpoint.objects.filter(partner=partner, url=HOOK_URL).exists():
            api_services.webhook_endpoint_create(
                partner=partner, url=HOOK_URL, events=list(WebhookEvent.values), actor=admin
            )
        activity = Activity()
        first = credentials[0]
        for email, name, stage in TEACHERS:
            teacher = account_ensure(
                email=email, name=name, password=DEMO_PASSWORD, is_staff=False
            ).user
            cohorts.enrollment_invite(cohort=cohort, emails=[email], actor=coach)
            enrollment = Enrollment.objects.get(cohort=cohort, email=email)
            cohorts.enrollment_accept(token=str(enrollment.token), teacher=teacher)
            if Submission.objects.filter(learner=teacher).exists() or stage == "not_started":
                continue
            if stage == "draft":
                activity._draft(teacher, first)
                continue
            submission = activity._submit(teacher, first, coupon=code)
            if stage in ("awarded", "denied"):
                outcome = Outcome.AWARDED if stage == "awarded" else Outcome.DENIED
                activity._decide(assessor, submission, outcome)
        # Invited, not accepted: the coach does not see this teacher anywhere.
        cohorts.enrollment_invite(cohort=cohort, emails=["invited@example.org"], actor=coach)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo partner ready: {organization.name}, cohort {cohort.name!r}, "
                f"cohort code {code.code}."
            )
        )
        self.stdout.write(f"  coach     {COACH:<28} password: {DEMO_PASSWORD}")
        self.stdout.write(f"  partner   {PARTNER_ADMIN:<28} password: {DEMO_PASSWORD}")
        for email, _name, stage in TEACHERS:
            self.stdout.write(f"  teacher   {email:<28} password: {DEMO_PASSWORD} ({stage})")
