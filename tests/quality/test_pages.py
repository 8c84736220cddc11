"""What each person sees: blind reviews, 404 for everyone not involved, a self-assessment
that never loses what was typed, and pages whose query counts do not grow with the
number of components."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quality.models import Mark, RoundStatus
from tests.accounts.factories import UserFactory
from tests.quality.conftest import build_world

pytestmark = pytest.mark.django_db


def _review_url(assignment):
    return reverse("quality:review", kwargs={"uuid": assignment.uuid})


def test_reviewer_never_sees_the_designer(world):
    world.self_assess()
    _, (a1, _a2) = world.open_round()
    body = world.client(world.reviewer1).get(_review_url(a1)).content.decode()
    assert "Questioning Strategies" in body
    assert "Part 1" in body  # the designer's pointer is shown
    for trace in ("Dana", "Designer", "designer@example.org"):
        assert trace not in body.replace("The designer’s", "").replace("The designer's", "")


def test_other_reviewers_scores_appear_only_after_submitting(world):
    world.self_assess()
    _, (a1, a2) = world.open_round()
    world.score(a1, Mark.NOT_MET)  # "Scored remark 1.1" from reviewer 1
    reviewer2 = world.client(world.reviewer2)
    before = reviewer2.get(_review_url(a2)).content.decode()
    assert "Scored remark 1.1" not in before
    assert "rita" not in before.lower()  # no reviewer names either

    world.score(a2, Mark.MET)
    after = reviewer2.get(_review_url(a2)).content.decode()
    assert "Scored remark 1.1" in after
    assert "Reviewer 1" in after and "Reviewer 2" in after
    assert "reviewer1@example.org" not in after


@pytest.mark.parametrize("who", ["anonymous", "stranger", "other_designer", "reviewer3"])
def test_review_page_is_404_for_anyone_not_assigned(world, who):
    world.self_assess()
    _, (a1, _a2) = world.open_round()
    other = build_world.__globals__["OrganizationFactory"](name="Other Org")
    from credentials.models import MemberRole
    from credentials.services import member_add

    users = {
        "stranger": UserFactory(email="stranger@example.org"),
        "other_designer": UserFactory(email="other-designer@example.org"),
        "reviewer3": world.reviewer3,
    }
    member_add(
        organization=other, user=users["other_designer"], role=MemberRole.DESIGNER, actor=None
    )
    client = Client() if who == "anonymous" else world.client(users[who])
    response = client.get(_review_url(a1))
    if who == "anonymous":
        assert response.status_code == 302  # to the login page, which then 404s
        client.force_login(UserFactory(email="late@example.org"))
        response = client.get(_review_url(a1))
    assert response.status_code == 404
    # The designer's own pages are closed to them too.
    version = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    if who != "anonymous":
        assert client.get(version).status_code == 404


def test_designer_self_assesses_and_sees_progress(world):
    url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    designer = world.client(world.designer)
    page = designer.get(url)
    assert page.status_code == 200
    assert "0 of 5 met" in page.content.decode()
    first, second = world.components()[:2]
    response = designer.post(
        url,
        {
            "version": 0,
            f"mark_{first.pk}": "met",
            f"pointer_{first.pk}": "Competency section",
            f"note_{first.pk}": "Stated in one sentence.",
            f"mark_{second.pk}": "not_met",
        },
    )
    assert response.status_code == 302
    body = designer.get(url).content.decode()
    assert "1 of 5 met" in body
    assert "Competency section" in body


def test_two_tabs_conflict_is_reported_and_the_typed_text_kept(world):
    url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    designer = world.client(world.designer)
    first = world.components()[0]
    designer.post(url, {"version": 0, f"mark_{first.pk}": "met", f"note_{first.pk}": "Tab one"})
    # The second tab still carries revision 0.
    response = designer.post(
        url, {"version": 0, f"mark_{first.pk}": "not_met", f"note_{first.pk}": "Tab two words"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed in another tab" in body
    assert "Tab two words" in body
    assert "Tab one" in designer.get(url).content.decode()


def test_too_long_pointer_keeps_the_input(world):
    url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    first = world.components()[0]
    response = world.client(world.designer).post(
        url,
        {
            "version": 0,
            f"note_{first.pk}": "Keep me",
            f"pointer_{first.pk}": "x" * 301,
            f"mark_{first.pk}": "met",
        },
    )
    assert response.status_code == 400
    assert "Keep me" in response.content.decode()
    assert "at most 300" in response.content.decode()


def test_designer_sees_per_component_feedback_after_a_revise(world):
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, Mark.NOT_MET)
    world.score(a2, Mark.NOT_MET)
    review_round.refresh_from_db()
    assert review_round.status == RoundStatus.REVISE
    body = (
        world.client(world.designer)
        .get(reverse("quality:version", kwargs={"uuid": world.credential.uuid}))
        .content.decode()
    )
    assert "Round 1: Revise" in body
    assert "Scored remark 1.1" in body
    assert "reviewer1@example.org" not in body and "Rita" not in body


def test_public_summary_hides_reviewers_and_shows_components(world):
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, Mark.MET)
    world.score(a2, Mark.MET)
    from quality import services

    services.version_publish(credential=world.credential, actor=world.designer)
    summary = Client().get(reverse("quality:summary", kwargs={"uuid": review_round.uuid}))
    assert summary.status_code == 200
    body = summary.content.decode()
    assert "Quality reviewed against Test framework 1.0" in body
    assert "Component 5" in body
    assert "Rita" not in body and "Scored remark" not in body

    catalog = Client().get(reverse("credentials:catalog"), {"reviewed": "on"}).content.decode()
    assert "Quality reviewed against Test framework 1.0" in catalog
    detail = Client().get(world.credential.get_absolute_url()).content.decode()
    assert "Read the review summary" in detail


def test_catalog_filter_keeps_only_reviewed_credentials(world):
    from tests.credentials.factories import CredentialFactory

    CredentialFactory(title="Unreviewed Credential")
    body = Client().get(reverse("credentials:catalog"), {"reviewed": "on"}).content.decode()
    assert "Unreviewed Credential" not in body
    assert "Unreviewed Credential" in Client().get(reverse("credentials:catalog")).content.decode()


@pytest.mark.parametrize("size", [5, 50])
def test_page_queries_do_not_grow_with_components(db, size, django_assert_max_num_queries):
    world = build_world(size)
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, Mark.MET, submit=False)
    designer, reviewer = world.client(world.designer), world.client(world.reviewer1)
    self_url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    with django_assert_max_num_queries(13):
        assert designer.get(self_url).status_code == 200
    with django_assert_max_num_queries(13):
        assert reviewer.get(_review_url(a1)).status_code == 200
    world.score(a1, Mark.MET)
    world.score(a2, Mark.NOT_MET)
    with django_assert_max_num_queries(18):
        assert (
            designer.get(
                reverse("quality:version", kwargs={"uuid": world.credential.uuid})
            ).status_code
            == 200
        )


def test_background_save_answers_json_and_refuses_a_stale_tab(world):
    url = reverse("quality:self_assessment_autosave", kwargs={"uuid": world.credential.uuid})
    first = world.components()[0]
    designer = world.client(world.designer)
    saved = designer.post(
        url, {"version": 0, f"mark_{first.pk}": "met", f"note_{first.pk}": "Typed, not saved"}
    )
    assert saved.status_code == 200
    assert saved.json()["ok"] is True and saved.json()["version"] == 1
    page = designer.get(reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid}))
    assert "Typed, not saved" in page.content.decode()

    stale = designer.post(url, {"version": 0, f"note_{first.pk}": "Other tab"})
    assert stale.status_code == 409
    assert stale.json()["conflict"] is True and stale.json()["version"] == 1

    refused = designer.post(url, {"version": 1, f"pointer_{first.pk}": "x" * 301})
    assert refused.status_code == 422
    assert f"pointer_{first.pk}" in refused.json()["errors"]

    assert Client().post(url, {"version": 1}).status_code == 401
    assert world.client(world.reviewer1).post(url, {"version": 1}).status_code == 404


def test_review_background_save_keeps_what_was_not_posted(world):
    world.self_assess()
    _, (a1, a2) = world.open_round()
    url = reverse("quality:review_autosave", kwargs={"uuid": a1.uuid})
    reviewer = world.client(world.reviewer1)
    first = world.components()[0]
    saved = reviewer.post(
        url,
        {
            "version": 0,
            f"mark_{first.pk}": "not_met",
            f"feedback_{first.pk}": "Draft words",
            "scope": "4",
        },
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    # A save without the ratings leaves the scope as it was.
    reviewer.post(url, {"version": 1, f"feedback_{first.pk}": "More words"})
    a1.refresh_from_db()
    assert a1.scope == 4
    assert a1.scores.get(component=first).feedback == "More words"
    assert a1.scores.get(component=first).mark == "not_met"

    assert reviewer.post(url, {"version": 0}).status_code == 409
    assert world.client(world.reviewer2).post(url, {"version": 2}).status_code == 404
    assert world.client(world.designer).post(url, {"version": 2}).status_code == 404


def test_a_note_typed_before_choosing_met_is_saved(world):
    url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    first = world.components()[0]
    designer = world.client(world.designer)
    designer.post(url, {"version": 0, f"note_{first.pk}": "Thinking about it"})
    assert "Thinking about it" in designer.get(url).content.decode()
    designer.post(url, {"version": 1, f"mark_{first.pk}": "met"})
    body = designer.get(url).content.decode()
    assert "Thinking about it" in body and "1 of 5 met" in body


def test_staff_rights_come_from_permissions_not_is_staff(world):
    from django.contrib.auth.models import Permission

    url = reverse("quality:self_assessment", kwargs={"uuid": world.credential.uuid})
    version_url = reverse("quality:version", kwargs={"uuid": world.credential.uuid})
    plain = UserFactory(email="plain@example.org", is_staff=True)
    assert world.client(plain).get(url).status_code == 404
    assert world.client(plain).get(version_url).status_code == 404
    allowed = UserFactory(email="quality-staff@example.org", is_staff=True)
    allowed.user_permissions.add(Permission.objects.get(codename="change_selfassessment"))
    assert world.client(allowed).get(url).status_code == 200
    assert world.client(allowed).get(version_url).status_code == 200


def _send_back(world):
    """A round both reviewers find not yet met: closed for revision."""
    _round, (a1, a2) = world.open_round()
    world.score(a1, Mark.NOT_MET)
    world.score(a2, Mark.NOT_MET)


@pytest.mark.parametrize("rounds", [1, 4])
def test_version_page_queries_do_not_grow_with_rounds(db, rounds, django_assert_max_num_queries):
    world = build_world(5)
    world.self_assess()
    for _ in range(rounds - 1):
        _send_back(world)
    world.open_round()
    url = reverse("quality:version", kwargs={"uuid": world.credential.uuid})
    designer = world.client(world.designer)
    with django_assert_max_num_queries(13):
        page = designer.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    for number in range(1, rounds + 1):
        assert f'id="round-{number}"' in body
    # Each closed round still lists each reviewer's feedback on its 5 components, by number.
    assert body.count("<strong>Reviewer 2</strong>") == 5 * (rounds - 1)
    assert "Rita Reviewer" not in body


def test_version_page_reads_closed_rounds_findings_once(world):
    """A closed round's findings table is kept: a second visit reads no results or
    scores, as many queries as a version without closed rounds."""
    world.self_assess()
    _send_back(world)
    world.open_round()
    url = reverse("quality:version", kwargs={"uuid": world.credential.uuid})
    designer = world.client(world.designer)
    first = designer.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = designer.get(url).content.decode()
    table = 'id="finding-1-'
    assert (
        second[second.index(table) :].split("</table>")[0]
        == (first[first.index(table) :].split("</table>")[0])
    )
    assert "Scored remark 1.1" in second
    assert not any(
        "quality_componentresult" in q["sql"] or "quality_reviewscore" in q["sql"]
        for q in queries.captured_queries
    )
    # The organization's admin reads the same table.
    admin = world.client(world.admin).get(url).content.decode()
    table = admin[admin.index('id="finding-1-') :].split("</table>")[0]
    assert "Scored remark 1.1" in table and "Rita Reviewer" not in table


def test_version_page_findings_follow_a_components_new_wording(world):
    world.self_assess()
    _send_back(world)
    url = reverse("quality:version", kwargs={"uuid": world.credential.uuid})
    designer = world.client(world.designer)
    component = world.components()[0]
    assert component.title in designer.get(url).content.decode()

    component.title = "Reworded component"
    component.save()
    assert "Reworded component" in designer.get(url).content.decode()


@pytest.mark.parametrize("prompts", [2, 40])
def test_review_page_queries_do_not_grow_with_the_credential(
    db, prompts, django_assert_max_num_queries
):
    from credentials.models import Part, Prompt

    world = build_world(5)
    Prompt.objects.bulk_create(
        Prompt(credential=world.credential, part=Part.REFLECTION, position=i, text=f"Ask {i}")
        for i in range(prompts)
    )
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    reviewer = world.client(world.reviewer1)
    # The second request reads the version's content from the cache.
    for ceiling in (12, 7):
        with django_assert_max_num_queries(ceiling):
            page = reviewer.get(_review_url(a1))
        assert page.status_code == 200
        assert f"Ask {prompts - 1}" in page.content.decode()


def test_review_page_shows_the_content_as_it_is_now(world):
    """The version's content on the review page is cached, and a save of the version
    (studio or admin) shows at once."""
    from credentials.models import Part, Prompt
    from credentials.services import CredentialChanges, credential_draft_save

    prompt = Prompt.objects.create(
        credential=world.credential, part=Part.OVERVIEW, position=1, text="First wording"
    )
    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    reviewer = world.client(world.reviewer1)
    assert "First wording" in reviewer.get(_review_url(a1)).content.decode()

    world.credential.refresh_from_db()
    credential_draft_save(
        credential=world.credential,
        actor=world.designer,
        revision=world.credential.revision,
        changes=CredentialChanges(prompts={prompt.pk: {"text": "Second wording"}}),
    )
    body = reviewer.get(_review_url(a1)).content.decode()
    assert "Second wording" in body and "First wording" not in body

    # An admin edit saves the version (its change time moves) with its prompts.
    Prompt.objects.filter(pk=prompt.pk).update(text="Third wording")
    world.credential.refresh_from_db()
    world.credential.save()
    body = reviewer.get(_review_url(a1)).content.decode()
    assert "Third wording" in body and "Second wording" not in body


@pytest.mark.parametrize("assignments", [1, 6])
def test_quality_home_queries_do_not_grow_with_assignments(
    db, assignments, django_assert_max_num_queries
):
    from tests.credentials.factories import CredentialFactory

    world = build_world(5)
    for i in range(assignments):
        world.credential = CredentialFactory(
            organization=world.organization, title=f"Version {i}", is_published=False
        )
        world.self_assess()
        world.open_round()
    reviewer = world.client(world.reviewer1)
    with django_assert_max_num_queries(6):
        page = reviewer.get(reverse("quality:home"))
    assert page.content.decode().count('class="status status-assigned"') == assignments


def test_review_components_are_kept_until_the_review_or_the_claims_change(world):
    from django.db.models import F

    from quality.models import SelfAssessment, SelfAssessmentEntry

    world.self_assess()
    _round, (a1, _a2) = world.open_round()
    reviewer = world.client(world.reviewer1)
    first = reviewer.get(_review_url(a1)).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = reviewer.get(_review_url(a1)).content.decode()
    assert not any("quality_reviewscore" in q["sql"] for q in queries.captured_queries)
    start = 'class="card component"'
    assert (
        second[second.index(start) :].split('id="ratings-heading"')[0]
        == (first[first.index(start) :].split('id="ratings-heading"')[0])
    )

    # The reviewer's own save shows on the next visit.
    world.score(a1, Mark.MET, submit=False)
    assert "Scored remark 1.1" in reviewer.get(_review_url(a1)).content.decode()

    # A new self-assessment revision shows its claims.
    entry = SelfAssessmentEntry.objects.filter(self_assessment__credential=world.credential)[0]
    entry.pointer = "Part 3, prompt 2"
    entry.save()
    SelfAssessment.objects.filter(credential=world.credential).update(revision=F("revision") + 1)
    assert "Part 3, prompt 2" in reviewer.get(_review_url(a1)).content.decode()

    # A component's new wording.
    component = world.components()[0]
    component.title = "Reworded component"
    component.save()
    assert "Reworded component" in reviewer.get(_review_url(a1)).content.decode()
