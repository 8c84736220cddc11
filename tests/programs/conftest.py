import pytest

from programs.services.stacks import stack_create, stack_member_add
from tests.credentials.factories import CredentialFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(
        name="Northfield Teaching Institute",
        slug="northfield",
        url="https://northfield.example.org",
        email="badges@northfield.example.org",
    )


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(
        name="Lakeside District", slug="lakeside", email="badges@lakeside.example.org"
    )


@pytest.fixture
def members(organization, other_organization):
    """Three credentials, the third from another organization."""
    return [
        CredentialFactory(title="Questioning", slug="questioning", organization=organization),
        CredentialFactory(title="Feedback", slug="feedback", organization=organization),
        CredentialFactory(title="Peer review", slug="peer-review", organization=other_organization),
    ]


@pytest.fixture
def stack(organization, members):
    stack = stack_create(
        organization=organization,
        title="Assessment for Learning",
        slug="assessment-for-learning",
        credit_hours=15,
        actor=None,
    )
    for credential in members:
        stack_member_add(stack=stack, credential=credential, actor=None)
    return stack
