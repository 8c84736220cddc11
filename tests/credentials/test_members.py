"""Organization roles: a user can hold several, in several organizations, and each
change is recorded with who made it."""

import pytest

from audit.selectors import audit_events_for
from credentials import selectors, services
from credentials.models import MemberRole

from .factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_user_holds_several_roles_in_several_organizations(django_user_model, staff_user):
    user = django_user_model.objects.create_user(email="dana@example.org", password="x")
    district, state = OrganizationFactory(), OrganizationFactory()
    services.member_add(
        organization=district, user=user, role=MemberRole.DESIGNER, actor=staff_user
    )
    services.member_add(
        organization=district, user=user, role=MemberRole.REVIEWER, actor=staff_user
    )
    services.member_add(organization=state, user=user, role=MemberRole.ADMIN, actor=staff_user)

    assert selectors.member_roles(user=user) == {
        district.pk: {"designer", "reviewer"},
        state.pk: {"admin"},
    }
    designing = selectors.organizations_for_member(user=user, roles=(MemberRole.DESIGNER,))
    assert list(designing) == [district]
    assert not selectors.member_has_role(user=user, organization=state, roles=("designer",))


def test_adding_a_role_twice_records_it_once(django_user_model, staff_user):
    user = django_user_model.objects.create_user(email="rae@example.org", password="x")
    org = OrganizationFactory()
    for _ in range(2):
        services.member_add(organization=org, user=user, role="reviewer", actor=staff_user)
    assert selectors.organization_members(organization=org, role="reviewer").count() == 1
    events = [e for e in audit_events_for(org) if e.verb == "organization.member_added"]
    assert len(events) == 1
    assert events[0].actor == staff_user

    assert services.member_remove(organization=org, user=user, role="reviewer", actor=staff_user)
    assert not services.member_remove(
        organization=org, user=user, role="reviewer", actor=staff_user
    )


def test_visitors_hold_no_roles(client):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.member_roles(user=AnonymousUser()) == {}
    assert not selectors.organizations_for_member(user=AnonymousUser(), roles=("admin",)).exists()
