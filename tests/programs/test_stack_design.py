"""An organization's designers define stacks (members from any organization,
external achievements by id); others get 404; mistakes show beside the field
and lose nothing typed."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from credentials.models import MemberRole
from credentials.services import member_add
from programs.models import MemberKind, Stack

URL = reverse("stacks:design")


@pytest.fixture
def designer_client(client, learner, organization):
    member_add(organization=organization, user=learner, role=MemberRole.DESIGNER, actor=None)
    client.force_login(learner)
    return client


def _published(members):
    for credential in members:
        type(credential).objects.filter(pk=credential.pk).update(is_published=True)


def test_a_designer_defines_a_stack_across_organizations(designer_client, organization, members):
    _published(members)
    response = designer_client.post(
        URL,
        {
            "organization": organization.pk,
            "title": "Feedback Pathway",
            "rule": "required_electives",
            "count": "1",
            "credit_hours": "7.5",
            "credentials": [m.pk for m in members],
            "required": [members[0].pk],
            "externals": "https://elsewhere.example/achievements/talk Classroom Talk",
        },
        follow=True,
    )
    assert "The stack is defined and published." in response.content.decode()
    stack = Stack.objects.get(slug="feedback-pathway")
    assert stack.organization == organization and stack.count == 1
    kinds = sorted((m.kind, m.required) for m in stack.members.all())
    assert kinds == [
        (MemberKind.CREDENTIAL, False),
        (MemberKind.CREDENTIAL, False),
        (MemberKind.CREDENTIAL, True),
        (MemberKind.EXTERNAL, False),
    ]
    assert {m.credential.organization.slug for m in stack.members.all() if m.credential} == {
        "northfield",
        "lakeside",
    }
    assert AuditEvent.objects.filter(verb="programs.stack_created").exists()


def test_mistakes_show_beside_the_field_and_keep_what_was_typed(
    designer_client, organization, members
):
    _published(members)
    response = designer_client.post(
        URL,
        {
            "organization": organization.pk,
            "title": "Feedback Pathway",
            "summary": "A long summary typed with care.",
            "rule": "n_of_m",
            "count": "5",
            "credit_hours": "0",
            "credentials": [members[0].pk],
            "externals": "not-a-url Something",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "the line must start with the achievement id" in html
    assert "A long summary typed with care." in html
    assert not Stack.objects.exists()


def test_anyone_else_gets_404(client, other_learner, organization):
    client.force_login(other_learner)
    assert client.get(URL).status_code == 404
