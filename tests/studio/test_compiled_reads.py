"""The studio's version is read with SQL compiled once per process
(``core.compiled``): each visit reads the version it names with the visitor's
own roles, and the current rows."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from credentials.models import MemberRole
from credentials.services import member_add, member_remove
from studio import selectors
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory

from .conftest import add_items

pytestmark = pytest.mark.django_db


def test_each_designer_reads_only_her_organizations_versions(organization, designer, draft):
    other = OrganizationFactory(name="Hillside")
    stranger = UserFactory(email="stranger@example.org")
    member_add(organization=other, user=stranger, role=MemberRole.DESIGNER, actor=None)
    theirs = CredentialFactory(organization=other, is_published=False)
    assert selectors.credential_for_designer(user=designer, uuid=draft.uuid).pk == draft.pk
    assert selectors.credential_for_designer(user=stranger, uuid=theirs.uuid).pk == theirs.pk
    for user, version in ((stranger, draft), (designer, theirs)):
        with pytest.raises(Http404):
            selectors.credential_for_designer(user=user, uuid=version.uuid)
    with pytest.raises(Http404):
        selectors.credential_for_designer(user=AnonymousUser(), uuid=draft.uuid)
    with pytest.raises(Http404):
        selectors.credential_for_designer(user=designer, uuid=uuid.uuid4())


def test_a_read_follows_roles_and_review_state(organization, designer, draft):
    found = selectors.credential_for_designer(user=designer, uuid=str(draft.uuid), items=False)
    assert found.organization.pk == organization.pk and found.version_status == "draft"
    member_remove(organization=organization, user=designer, role=MemberRole.DESIGNER, actor=None)
    with pytest.raises(Http404):
        selectors.credential_for_designer(user=designer, uuid=draft.uuid)
    member_add(organization=organization, user=designer, role=MemberRole.DESIGNER, actor=None)
    assert selectors.credential_for_designer(user=designer, uuid=draft.uuid).pk == draft.pk


def test_items_come_in_the_same_queries_as_before(designer, draft):
    add_items(draft, 3)
    with CaptureQueriesContext(connection) as plain:
        found = selectors.credential_for_designer(user=designer, uuid=draft.uuid, items=False)
    assert len(plain) == 1
    with CaptureQueriesContext(connection) as loaded:
        found = selectors.credential_for_designer(user=designer, uuid=draft.uuid)
        prompts = list(found.prompts.all())
        criteria = list(found.rubric_criteria.all())
    assert len(loaded) == 5  # the version, then its topics, prompts, requirements, criteria
    assert len(criteria) >= 3 and any(p.text == "Prompt 0" for p in prompts)
