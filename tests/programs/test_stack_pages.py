"""What learners see: progress on catalog cards, details pages, the dashboard
and the stack page; the catalog filtered by stack; the award page and its
downloads for the earner only; query counts flat."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.fragment_cache import changed
from programs.models import StackAward, StackMember
from programs.services.stacks import stack_member_add, stack_member_delete, stack_save
from programs.stack_versions import STACKS
from tests.badges.factories import award_row
from tests.credentials.factories import CredentialFactory


@pytest.fixture
def two_of_three(django_capture_on_commit_callbacks, learner, stack, members):
    for credential in members[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            award_row(learner=learner, credential=credential)
    return stack


def _published(members):
    for credential in members:
        type(credential).objects.filter(pk=credential.pk).update(is_published=True)


def test_progress_on_catalog_details_dashboard_and_stack_page(
    learner_client, two_of_three, members
):
    _published(members)
    expected = "2 of 3 earned; next: Peer review"
    catalog = learner_client.get(reverse("credentials:catalog")).content.decode()
    assert catalog.count(expected) == 3  # on each member's card
    details = learner_client.get(members[0].get_absolute_url()).content.decode()
    assert "Assessment for Learning" in details and expected in details
    dashboard = learner_client.get(reverse("dashboard:home")).content.decode()
    assert expected in dashboard
    page = learner_client.get(reverse("stacks:stack", args=[two_of_three.slug])).content.decode()
    assert expected in " ".join(page.split())


def test_visitors_see_no_progress_and_no_extra_queries(client, two_of_three, members):
    _published(members)
    html = client.get(reverse("credentials:catalog")).content.decode()
    assert "earned" not in html


def test_catalog_filters_by_stack(client, stack, members):
    _published(members)
    CredentialFactory(title="Unrelated", slug="unrelated", is_published=True)
    html = client.get(reverse("credentials:catalog") + f"?stack={stack.slug}").content.decode()
    assert "Showing the credentials of the stack Assessment for Learning" in html
    assert "Questioning" in html and "Unrelated" not in html
    # A visitor reads the stack and its members, with no progress and no form.
    page = client.get(reverse("stacks:stack", args=[stack.slug])).content.decode()
    assert (
        "Peer review" in page
        and "Your progress" not in page
        and "<form" not in page.split("<main")[-1]
    )
    assert client.get(reverse("stacks:list")).status_code == 200


def test_catalog_queries_do_not_grow_with_stacks_or_cards(learner_client, two_of_three, members):
    from programs.services.stacks import stack_create, stack_member_add

    _published(members)
    url = reverse("credentials:catalog")
    learner_client.get(url)
    changed(STACKS)  # both requests read the stacks, not the kept ones
    with CaptureQueriesContext(connection) as small:
        learner_client.get(url)
    for n in range(4):
        extra = stack_create(
            organization=two_of_three.organization,
            title=f"Extra {n}",
            slug=f"extra-{n}",
            actor=None,
        )
        for credential in members + [CredentialFactory(is_published=True)]:
            stack_member_add(stack=extra, credential=credential, actor=None)
    changed(STACKS)
    with CaptureQueriesContext(connection) as large:
        learner_client.get(url)
    assert len(large) == len(small)


def test_the_award_page_and_downloads_are_the_earners_only(
    django_capture_on_commit_callbacks, learner_client, other_client, two_of_three, members, learner
):
    with django_capture_on_commit_callbacks(execute=True):
        award_row(learner=learner, credential=members[2])
    award = StackAward.objects.get()
    page = learner_client.get(reverse("stacks:stack", args=[two_of_three.slug])).content.decode()
    assert "See your stack award" in page
    detail = learner_client.get(reverse("stacks:award", args=[award.uuid])).content.decode()
    assert "Learner record, CLR 2.0 (JSON)" in detail
    clr = learner_client.get(reverse("stacks:award_document", args=[award.uuid, "clr.json"]))
    assert json.loads(clr.content)["type"] == ["VerifiableCredential", "ClrCredential"]
    assert clr["Content-Disposition"].startswith("attachment")
    verify = learner_client.get(reverse("stacks:award_verify", args=[award.uuid])).content.decode()
    assert verify.count(": verified") == 4 and "not verified" not in verify
    for other in (other_client, Client()):
        for name, args in (
            ("stacks:award", [award.uuid]),
            ("stacks:award_verify", [award.uuid]),
            ("stacks:award_document", [award.uuid, "clr.jwt"]),
        ):
            assert other.get(reverse(name, args=args)).status_code == 404


# --- the published stacks and members, kept for every signed-in page ----------------

DASHBOARD = reverse("dashboard:home")


def _dashboard(client) -> str:
    return " ".join(client.get(DASHBOARD).content.decode().split())


def test_members_are_read_once_then_kept(learner_client, two_of_three, members):
    _published(members)
    assert "2 of 3 earned; next: Peer review" in _dashboard(learner_client)
    with CaptureQueriesContext(connection) as queries:
        learner_client.get(DASHBOARD)
    assert not any("programs_stackmember" in q["sql"] for q in queries.captured_queries)


def test_a_renamed_member_an_added_one_and_a_removed_one_show(
    learner_client, two_of_three, members, organization
):
    _published(members)
    assert "2 of 3 earned; next: Peer review" in _dashboard(learner_client)
    peer = members[2]
    peer.title = "Peer coaching"
    peer.save()
    assert "2 of 3 earned; next: Peer coaching" in _dashboard(learner_client)
    extra = CredentialFactory(title="Exit tickets", organization=organization)
    stack_member_add(stack=two_of_three, credential=extra, actor=None)
    assert "2 of 4 earned" in _dashboard(learner_client)
    member = StackMember.objects.get(stack=two_of_three, credential=extra)
    stack_member_delete(member=member, actor=None)
    assert "2 of 3 earned" in _dashboard(learner_client)


def test_an_unpublished_stack_no_longer_shows(learner_client, two_of_three, members):
    _published(members)
    assert "Assessment for Learning" in _dashboard(learner_client)
    two_of_three.is_published = False
    stack_save(stack=two_of_three, actor=None, created=False)
    assert "Assessment for Learning" not in _dashboard(learner_client)
