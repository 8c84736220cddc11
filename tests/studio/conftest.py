"""An organization with a designer, a reviewer and a draft credential; another
organization with its own designer."""

import pytest
from django.test import Client

from credentials.models import MemberRole, Part, Prompt, RubricCriterion
from credentials.services import member_add
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Lakeside District")


@pytest.fixture
def designer(organization):
    user = UserFactory(email="dee.designer@example.org", name="Dee Designer")
    member_add(organization=organization, user=user, role=MemberRole.DESIGNER, actor=None)
    return user


@pytest.fixture
def designer_client(designer):
    client = Client()
    client.force_login(designer)
    return client


@pytest.fixture
def draft(organization):
    """An unpublished version 1 with its content."""
    return CredentialFactory(organization=organization, is_published=False, with_content=True)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def add_items(credential, count):
    Prompt.objects.bulk_create(
        Prompt(credential=credential, part=Part.REFLECTION, position=10 + i, text=f"Prompt {i}")
        for i in range(count)
    )
    RubricCriterion.objects.bulk_create(
        RubricCriterion(
            credential=credential, position=10 + i, title=f"Criterion {i}", description="d"
        )
        for i in range(count)
    )
