"""Demo data for quality review: the default framework; in Riverside Unified School
District a designer, two quality reviewers and an organization admin; one credential
published after two review rounds (round 1 "revise", round 2 passed) with its quality
mark; one draft version part-way through its self-assessment.

Runs after ``seed_demo`` (it uses that catalog's organization and prompt arc), through
the credentials, accounts and quality services. Safe to repeat: a step that has
already happened is skipped.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import account_ensure
from credentials.management.commands.seed_demo import DEMO_PASSWORD, demo_catalog
from credentials.models import MemberRole, MicroCredential
from credentials.services import catalog_load, member_add
from quality import selectors, services
from quality.models import Mark, ReviewRound, RoundStatus

ORGANIZATION = "riverside-usd"
ACCOUNTS = [
    ("designer@example.org", "Dana Whitfield", MemberRole.DESIGNER, "Curriculum"),
    ("reviewer1@example.org", "Omar Haddad", MemberRole.REVIEWER, "Quality"),
    ("reviewer2@example.org", "Grace Liu", MemberRole.REVIEWER, "Quality"),
    ("orgadmin@example.org", "Helen Brooks", MemberRole.ADMIN, ""),
]
PUBLISHED = "questioning-for-deeper-thinking"
DRAFT = "feedback-that-moves-learning"


def _credentials(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    """Two credentials written for this demo, built on the catalog's first one."""
    model = next(c for c in catalog["credentials"] if c["organization"] == ORGANIZATION)
    published = {
        **model,
        "slug": PUBLISHED,
        "title": "Questioning for Deeper Thinking",
        "summary": "Plan and ask open questions that push students to explain, justify "
        "and connect their thinking.",
        "competency": "The educator plans and asks higher-order questions and uses wait "
        "time and follow-up prompts so that every student explains their reasoning.",
        "published": False,
    }
    draft = {
        **model,
        "slug": DRAFT,
        "title": "Feedback That Moves Learning",
        "summary": "Give students specific, timely feedback they act on in the same unit.",
        "competency": "The educator gives feedback tied to success criteria and builds in "
        "time for students to use it.",
        "published": False,
    }
    return [published, draft]


class Command(BaseCommand):
    help = "Create or refresh the quality review demo (safe to repeat; run after seed_demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "seed_demo_quality creates accounts with a published password; "
                "it does not run with production settings."
            )
        catalog = demo_catalog()
        with transaction.atomic():
            services.framework_import_default()
            catalog_load(
                catalog={
                    "organizations": [
                        o for o in catalog["organizations"] if o["slug"] == ORGANIZATION
                    ],
                    "topics": catalog["topics"],
                    "prompt_arc": catalog["prompt_arc"],
                    "credentials": _credentials(catalog),
                }
            )
            users = {}
            for email, name, role, team in ACCOUNTS:
                users[email] = account_ensure(
                    email=email, name=name, password=DEMO_PASSWORD, is_staff=False
                ).user
                organization = MicroCredential.objects.get(slug=PUBLISHED, version=1).organization
                member_add(
                    organization=organization, user=users[email], role=role, team=team, actor=None
                )
        self._published(users)
        self._draft(users["designer@example.org"])
        self.stdout.write(self.style.SUCCESS("Quality review demo ready."))
        self.stdout.write(f"Open {settings.SITE_URL}/quality/ and log in as:")
        for email, _name, role, _team in ACCOUNTS:
            self.stdout.write(f"  {role:<9} {email:<24} password: {DEMO_PASSWORD}")

    def _published(self, users: dict[str, User]) -> None:
        credential = MicroCredential.objects.select_related("organization").get(
            slug=PUBLISHED, version=1
        )
        designer, admin = users["designer@example.org"], users["orgadmin@example.org"]
        reviewers = [users["reviewer1@example.org"], users["reviewer2@example.org"]]
        framework = selectors.self_assessment_framework(credential=credential)
        assert framework is not None  # noqa: S101 (imported just above)
        components = list(selectors.framework_components(framework=framework))
        weak = {c.pk for c in components if c.code in ("6.1", "11.1")}
        rounds = ReviewRound.objects.filter(credential=credential).count()
        if rounds == 0:
            self._self_assess(credential, designer, components, weak)
            self._round(credential, designer, admin, reviewers, components, weak)
        if not ReviewRound.objects.filter(credential=credential, number=2).exists():
            self._self_assess(credential, designer, components, set())
            self._round(credential, designer, admin, reviewers, components, set())
        latest = selectors.round_latest(credential=credential)
        if latest is not None and latest.status == RoundStatus.PASSED:
            services.version_publish(credential=credential, actor=designer)

    def _self_assess(
        self,
        credential: MicroCredential,
        designer: User,
        components: list[Any],
        weak: set[int],
    ) -> None:
        assessment = selectors.self_assessment_get(credential=credential)
        services.self_assessment_save(
            credential=credential,
            actor=designer,
            revision=assessment.revision if assessment else 0,
            entries={
                c.pk: services.EntryInput(
                    mark=Mark.MET,
                    note="Revised after round 1." if c.pk in weak else "",
                    pointer="See the rubric" if c.code.startswith("6") else "See the overview",
                )
                for c in components
            },
        )

    def _round(
        self,
        credential: MicroCredential,
        designer: User,
        admin: User,
        reviewers: list[User],
        components: list[Any],
        weak: set[int],
    ) -> None:
        review_round = services.round_open(credential=credential, actor=designer)
        for assignment in services.round_assign(
            review_round=review_round, reviewers=reviewers, actor=admin
        ):
            saved = services.review_save(
                assignment=assignment,
                actor=assignment.reviewer,
                revision=assignment.revision,
                scores={
                    c.pk: services.ScoreInput(
                        mark=Mark.NOT_MET if c.pk in weak else Mark.MET,
                        feedback="The criteria say 'good' without saying what it looks like."
                        if c.pk in weak and c.code.startswith("6")
                        else "Say how faces and names are removed from video."
                        if c.pk in weak
                        else "",
                    )
                    for c in components
                },
                ratings=services.Ratings(scope=4, clarity=4 if weak else 5, ease_of_use=4),
            )
            services.review_submit(assignment=saved, actor=assignment.reviewer)

    def _draft(self, designer: User) -> None:
        credential = MicroCredential.objects.get(slug=DRAFT, version=1)
        if selectors.self_assessment_get(credential=credential) is not None:
            return
        framework = selectors.self_assessment_framework(credential=credential)
        if framework is None:
            return
        components = list(selectors.framework_components(framework=framework))[:12]
        services.self_assessment_save(
            credential=credential,
            actor=designer,
            revision=0,
            entries={
                c.pk: services.EntryInput(
                    mark=Mark.NOT_MET if c.code == "4.3" else Mark.MET,
                    pointer="Overview and Part 1 prompts",
                )
                for c in components
            },
        )
