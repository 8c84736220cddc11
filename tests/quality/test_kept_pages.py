"""The quality home and a version's rounds page are kept rendered: every change to
what they show appears on the next visit, and nobody reads another's kept page."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credentials.models import MemberRole
from credentials.services import member_add, member_remove
from quality.models import Mark, QualitySetting, ReviewAssignment
from quality.services import round_assign
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HOME = reverse("quality:home")


def _home(world, user) -> str:
    return world.client(user).get(HOME).content.decode()


def _reads_lists(world, user) -> bool:
    """Whether a visit to the home read its lists (rather than the kept ones)."""
    client = world.client(user)
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    listed = ('"quality_reviewassignment"."status"', '"credentials_microcredential"."title"')
    return any(column in q["sql"] for q in queries.captured_queries for column in listed)


def test_home_is_kept_and_a_reviewers_draft_save_keeps_it(world):
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    assert "Questioning Strategies" in _home(world, world.reviewer1)
    assert not _reads_lists(world, world.reviewer1)
    # Typing in a review (a draft save) changes nothing the home shows.
    world.score(a1, Mark.MET, submit=False)
    assert not _reads_lists(world, world.reviewer1)


def test_home_shows_new_assignments_and_their_status(world):
    assert "No reviews are assigned to you." in _home(world, world.reviewer1)
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    body = _home(world, world.reviewer1)
    assert "Questioning Strategies" in body and 'class="status status-assigned"' in body
    world.score(a1, Mark.MET)
    assert 'class="status status-submitted"' in _home(world, world.reviewer1)
    ReviewAssignment.objects.get(pk=a1.pk).delete()
    assert "No reviews are assigned to you." in _home(world, world.reviewer1)


def test_home_shows_a_versions_new_title_to_its_reviewers_and_designers(world):
    world.self_assess()
    world.open_round()
    assert "Questioning Strategies" in _home(world, world.reviewer1)
    assert "Questioning Strategies" in _home(world, world.designer)
    world.credential.refresh_from_db()
    world.credential.title = "Better Questions"
    world.credential.save()
    assert "Better Questions" in _home(world, world.reviewer1)
    assert "Better Questions" in _home(world, world.designer)


def test_home_shows_rounds_as_they_move_and_their_reviewers(world):
    world.self_assess()
    body = _home(world, world.admin)
    assert 'id="rounds-heading"' not in body
    review_round, (a1, a2) = world.open_round()
    assert "round 1, 2 reviewers" in _home(world, world.admin)
    round_assign(review_round=review_round, reviewers=[world.reviewer3], actor=world.admin)
    assert "round 1, 3 reviewers" in _home(world, world.admin)
    world.score(a1, Mark.MET)
    world.score(a2, Mark.NOT_MET)
    world.score(ReviewAssignment.objects.get(reviewer=world.reviewer3), Mark.MET)
    # Both regular reviewers are in; they disagree, so the round waits to be settled.
    assert "Settling" in _home(world, world.admin)


def test_home_shows_a_closed_round_gone_from_the_admins_list(world):
    world.self_assess()
    _round, (a1, a2) = world.open_round()
    assert 'id="rounds-heading"' in _home(world, world.admin)
    world.score(a1, Mark.MET)
    world.score(a2, Mark.MET)
    assert 'id="rounds-heading"' not in _home(world, world.admin)


def test_home_shows_a_new_version_and_an_organizations_new_name(world):
    assert "Quality Org" in _home(world, world.designer)
    CredentialFactory(organization=world.organization, title="Second Credential")
    assert "Second Credential" in _home(world, world.designer)
    world.organization.name = "Renamed Org"
    world.organization.save()
    assert "Renamed Org" in _home(world, world.designer)


def test_home_follows_the_persons_roles_and_shows_nobody_elses(world):
    newcomer = UserFactory(email="newcomer@example.org")
    assert "Questioning Strategies" not in _home(world, newcomer)
    member_add(organization=world.organization, user=newcomer, role=MemberRole.DESIGNER, actor=None)
    assert "Questioning Strategies" in _home(world, newcomer)
    member_remove(
        organization=world.organization, user=newcomer, role=MemberRole.DESIGNER, actor=None
    )
    assert "Questioning Strategies" not in _home(world, newcomer)
    # Another organization's designer sees only her own organization's versions.
    other = OrganizationFactory(name="Other Org")
    stranger = UserFactory(email="stranger@example.org")
    member_add(organization=other, user=stranger, role=MemberRole.DESIGNER, actor=None)
    CredentialFactory(organization=other, title="Other Credential")
    body = _home(world, stranger)
    assert "Other Credential" in body and "Questioning Strategies" not in body


# --- a version's rounds page -------------------------------------------------------------


def _version_url(world) -> str:
    return reverse("quality:version", kwargs={"uuid": world.credential.uuid})


def test_version_page_follows_a_staff_members_new_permission(world):
    """Staff rights are remembered per user, and dropped when a permission is granted."""
    staff = UserFactory(email="staff@example.org", is_staff=True)
    client = world.client(staff)
    assert client.get(_version_url(world)).status_code == 404
    staff.user_permissions.add(
        Permission.objects.get(codename="change_reviewround", content_type__app_label="quality")
    )
    assert client.get(_version_url(world)).status_code == 200
    staff.user_permissions.clear()
    assert client.get(_version_url(world)).status_code == 404


def test_version_page_follows_the_organizations_gate(world):
    body = world.client(world.designer).get(_version_url(world)).content.decode()
    assert "quality gate is advisory" not in body
    QualitySetting.objects.create(organization=world.organization, gate="advisory")
    body = world.client(world.designer).get(_version_url(world)).content.decode()
    assert "quality gate is advisory" in body


def _version(world, user=None) -> str:
    return world.client(user or world.designer).get(_version_url(world)).content.decode()


def test_version_page_is_kept_for_designers_and_its_form_token_still_works(world):
    from django.test import Client

    world.self_assess()
    _version(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.designer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(_version_url(world)).content.decode()
    assert not any("quality_reviewround" in q["sql"] for q in queries.captured_queries)
    form = body[body.index(reverse("quality:submit", kwargs={"uuid": world.credential.uuid})) :]
    token = form.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token != "kept-csrf-token"
    submitted = client.post(
        reverse("quality:submit", kwargs={"uuid": world.credential.uuid}),
        {"csrfmiddlewaretoken": token},
    )
    assert submitted.status_code == 302
    assert "Round 1: In review" in _version(world)


def test_version_page_follows_rounds_reviewers_findings_and_settling(world):
    world.self_assess()
    assert "This version has not been submitted for review yet." in _version(world)
    review_round, (a1, a2) = world.open_round()
    body = _version(world)
    assert "Round 1: In review" in body and "2 reviewers assigned." in body
    world.score(a1, Mark.MET)
    world.score(a2, [Mark.NOT_MET] * 2 + [Mark.MET] * 3)
    body = _version(world)
    assert "Round 1: Settling disagreements" in body and body.count("Reviewers disagree") == 2
    from quality.services import round_settle

    first, second = world.components()[:2]
    # One of two disputes settled: the round still waits for the other.
    round_settle(
        review_round=review_round,
        component_id=first.pk,
        mark=Mark.MET,
        note="Settled after reading part 2",
        actor=world.admin,
    )
    body = _version(world)
    assert "Settled after reading part 2" in body and body.count("Reviewers disagree") == 1
    round_settle(
        review_round=review_round, component_id=second.pk, mark=Mark.MET, note="", actor=world.admin
    )
    assert "Round 1: Meets all required components" in _version(world)


def test_version_page_follows_the_version_organization_and_framework(world):
    world.self_assess()
    world.open_round()
    assert "Test framework 1.0" in _version(world)
    world.credential.refresh_from_db()
    world.credential.title = "Better Questions"
    world.credential.save()
    assert "Quality review: Better Questions" in _version(world)
    world.organization.name = "Renamed Org"
    world.organization.save()
    assert "Renamed Org" in _version(world)
    world.framework.name = "Renamed framework"
    world.framework.save()
    assert "Renamed framework 1.0" in _version(world)


def test_version_page_keeps_reviewers_unnamed_for_designers(world):
    world.self_assess()
    world.open_round()
    admin = _version(world, world.admin)
    assert "reviewer1@example.org" in admin
    designer = _version(world)
    assert "reviewer1@example.org" not in designer and "2 reviewers assigned." in designer
    assert "reviewer1@example.org" in _version(world, world.admin)


def test_version_page_shows_the_override_only_to_whoever_may_override(world):
    staff = UserFactory(email="overrider@example.org", is_staff=True)
    staff.user_permissions.add(
        Permission.objects.get(codename="change_selfassessment", content_type__app_label="quality"),
        Permission.objects.get(codename="override_gate", content_type__app_label="quality"),
    )
    world.self_assess()
    world.open_round()
    assert 'name="override_reason"' not in _version(world)
    assert 'name="override_reason"' in _version(world, staff)
    assert 'name="override_reason"' not in _version(world)


# --- the review page ---------------------------------------------------------------------


def test_review_page_keeps_the_ratings_until_the_reviewer_saves_again(world):
    from quality import services

    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    url = reverse("quality:review", kwargs={"uuid": a1.uuid})
    reviewer = world.client(world.reviewer1)
    first = reviewer.get(url).content.decode()
    assert f'name="version" value="{a1.revision}"' in first
    with CaptureQueriesContext(connection) as queries:
        second = reviewer.get(url).content.decode()
    assert not any("quality_reviewscore" in q["sql"] for q in queries.captured_queries)
    ratings = 'id="ratings-heading"'
    assert (
        second[second.index(ratings) :].split("</section>")[0]
        == first[first.index(ratings) :].split("</section>")[0]
    )
    saved = services.review_save(
        assignment=a1,
        actor=world.reviewer1,
        revision=a1.revision,
        scores={},
        ratings=services.Ratings(scope=2, clarity=3, ease_of_use=4, comments="Clear prompts"),
    )
    body = reviewer.get(url).content.decode()
    assert "Clear prompts" in body
    assert f'name="version" value="{saved.revision}"' in body
    assert '<option value="2" selected>' in body
