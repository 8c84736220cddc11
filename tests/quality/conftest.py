"""An organization with a designer, three reviewers and an admin, a framework of a
chosen size, and an unpublished credential version to review."""

from dataclasses import dataclass

import pytest
from django.test import Client

from credentials.models import MemberRole
from credentials.services import member_add
from quality import services
from quality.models import Component, Framework, Mark
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory


def make_framework(components: int = 5, *, name: str = "Test framework", required_all=True):
    """A default framework with ``components`` components, three a standard."""
    standards = []
    for i in range(0, components, 3):
        standards.append(
            {
                "code": str(len(standards) + 1),
                "title": f"Standard {len(standards) + 1}",
                "description": "",
                "components": [
                    {
                        "code": f"{len(standards) + 1}.{j - i + 1}",
                        "title": f"Component {j + 1}",
                        "description": f"What component {j + 1} asks.",
                        "guidance": "",
                        "required": required_all or j % 2 == 0,
                    }
                    for j in range(i, min(i + 3, components))
                ],
            }
        )
    return services.framework_import(
        data={
            "format": "quality-framework",
            "format_version": 1,
            "name": name,
            "version": "1.0",
            "default": True,
            "standards": standards,
        }
    )


@dataclass
class World:
    framework: Framework
    organization: object
    designer: object
    reviewer1: object
    reviewer2: object
    reviewer3: object
    admin: object
    credential: object

    def components(self):
        return list(Component.objects.filter(standard__framework=self.framework))

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    def self_assess(self, mark=Mark.MET):
        revision = getattr(self.credential, "_sa_revision", 0)
        assessment = services.self_assessment_save(
            credential=self.credential,
            actor=self.designer,
            revision=revision,
            entries={
                c.pk: services.EntryInput(mark=mark, note="", pointer="Part 1")
                for c in self.components()
            },
        )
        self.credential._sa_revision = assessment.revision
        return assessment

    def open_round(self, reviewers=None):
        review_round = services.round_open(credential=self.credential, actor=self.designer)
        assignments = services.round_assign(
            review_round=review_round,
            reviewers=reviewers or [self.reviewer1, self.reviewer2],
            actor=self.admin,
        )
        return review_round, assignments

    def score(self, assignment, marks, submit=True):
        """``marks``: one mark for all components, or a list (one per component)."""
        components = self.components()
        if isinstance(marks, str):
            marks = [marks] * len(components)
        services.review_save(
            assignment=assignment,
            actor=assignment.reviewer,
            revision=assignment.revision,
            scores={
                c.pk: services.ScoreInput(mark=m, feedback=f"Scored remark {c.code}")
                for c, m in zip(components, marks, strict=True)
            },
            ratings=services.Ratings(scope=4, clarity=5, ease_of_use=3),
        )
        assignment.refresh_from_db()
        if submit:
            services.review_submit(assignment=assignment, actor=assignment.reviewer)
        assignment.refresh_from_db()
        return assignment


def build_world(components: int = 5) -> World:
    framework = make_framework(components)
    organization = OrganizationFactory(name="Quality Org")
    designer = UserFactory(email="designer@example.org", name="Dana Designer")
    reviewers = [
        UserFactory(email=f"reviewer{i}@example.org", name=f"Rita Reviewer{i}") for i in (1, 2, 3)
    ]
    admin = UserFactory(email="orgadmin@example.org", name="Ada Admin")
    member_add(organization=organization, user=designer, role=MemberRole.DESIGNER, actor=None)
    member_add(organization=organization, user=admin, role=MemberRole.ADMIN, actor=None)
    for reviewer in reviewers:
        member_add(organization=organization, user=reviewer, role=MemberRole.REVIEWER, actor=None)
    credential = CredentialFactory(
        organization=organization, title="Questioning Strategies", is_published=False
    )
    return World(framework, organization, designer, *reviewers, admin, credential)


@pytest.fixture
def world(db) -> World:
    return build_world()
