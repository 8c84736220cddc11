"""The designers' studio: who may open it, editing, ordering, money in units,
autosave conflicts, versions and query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from credentials import services as credential_services
from credentials.models import MemberRole, MicroCredential, Part
from credentials.services import member_add
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory, TopicFactory

from .conftest import add_items, client_for

pytestmark = pytest.mark.django_db


def edit_url(credential):
    return reverse("studio:edit", kwargs={"uuid": credential.uuid})


def page_post(client, credential, **changes):
    """What the edit page posts: every field as the page shows it, with ``changes``."""
    page = client.get(edit_url(credential))
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "topics":
            data[name] = [str(v) for v in value or []]
        elif (
            field.widget.input_type == "checkbox" if hasattr(field.widget, "input_type") else False
        ):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    data.update(changes)
    return data


# --- who may open it ---------------------------------------------------------------------


STUDIO_PAGES = ("edit", "preview", "preview_application")


@pytest.mark.parametrize("who", ["anonymous", "learner", "other_designer", "reviewer"])
def test_only_the_organizations_designers_open_the_studio(client, who, organization, draft):
    if who == "learner":
        client = client_for(UserFactory())
    elif who == "other_designer":
        outsider = UserFactory()
        member_add(
            organization=OrganizationFactory(), user=outsider, role=MemberRole.DESIGNER, actor=None
        )
        client = client_for(outsider)
    elif who == "reviewer":
        reviewer = UserFactory()
        member_add(organization=organization, user=reviewer, role=MemberRole.REVIEWER, actor=None)
        client = client_for(reviewer)
    for name in STUDIO_PAGES:
        response = client.get(reverse(f"studio:{name}", kwargs={"uuid": draft.uuid}))
        expected = 302 if who == "anonymous" else 404
        assert response.status_code == expected, name
    create = client.get(reverse("studio:create", kwargs={"organization": organization.slug}))
    assert create.status_code == (302 if who == "anonymous" else 404)
    if who != "anonymous":
        index = client.get(reverse("studio:index"))
        # Their own studio, if they design elsewhere; never this organization's drafts.
        assert index.status_code == (200 if who == "other_designer" else 404)
        assert draft.title not in index.text
        saved = client.post(
            reverse("studio:autosave", kwargs={"uuid": draft.uuid}),
            {"version": draft.revision, "title": "Taken over"},
        )
        assert saved.status_code == 404
        draft.refresh_from_db()
        assert draft.title != "Taken over"


def test_designer_sees_their_organizations_credentials_and_versions(
    designer_client, organization, draft
):
    published = CredentialFactory(organization=organization, title="Questioning")
    credential_services.credential_version_open(credential=published, actor=None)
    CredentialFactory(title="Someone else's")

    page = designer_client.get(reverse("studio:index"))

    assert page.status_code == 200
    text = page.text
    assert draft.title in text and "Questioning" in text
    assert "Someone else" not in text
    assert "Version 2" in text and "Published" in text and "Draft" in text
    dashboard = designer_client.get(reverse("dashboard:home"))
    assert reverse("studio:index") in dashboard.text


def test_learners_dashboard_has_no_studio_link(learner_client):
    assert reverse("studio:index") not in learner_client.get(reverse("dashboard:home")).text


def test_designer_creates_a_credential(designer_client, designer, organization):
    response = designer_client.post(
        reverse("studio:create", kwargs={"organization": organization.slug}),
        {"title": "Culturally Responsive Teaching", "summary": "Teach to who is in the room."},
    )
    credential = MicroCredential.objects.get(title="Culturally Responsive Teaching")
    assert response.headers["Location"] == edit_url(credential)
    assert credential.organization == organization and not credential.is_published
    assert credential.slug == "culturally-responsive-teaching"
    assert AuditEvent.objects.filter(verb="credential.created", actor=designer).exists()


# --- editing -----------------------------------------------------------------------------


def test_editing_saves_fields_prompts_and_money_in_units(designer_client, designer, draft):
    topic = TopicFactory(name="Equity")
    prompt = draft.prompts.first()
    data = page_post(
        designer_client,
        draft,
        competency="The educator plans lessons that build on students' cultures.",
        fee="75.50",
        resubmission_fee="20",
        validity_months="36",
        topics=[str(topic.pk)],
        **{
            f"prompt_{prompt.pk}_text": "Describe your students.",
            f"prompt_{prompt.pk}_word_limit": "250",
        },
    )
    response = designer_client.post(edit_url(draft), data)

    assert response.status_code == 302
    draft.refresh_from_db()
    prompt.refresh_from_db()
    assert draft.competency.startswith("The educator plans")
    assert (draft.fee_cents, draft.resubmission_fee_cents) == (7550, 2000)
    assert draft.validity_months == 36
    assert [t.name for t in draft.topics.all()] == ["Equity"]
    assert (prompt.text, prompt.word_limit) == ("Describe your students.", 250)
    page = designer_client.get(edit_url(draft))
    assert page.context["form"]["fee"].value() == Decimal("75.50")
    assert AuditEvent.objects.filter(verb="credential.edited", actor=designer).exists()


def test_bad_input_stays_beside_its_field_and_the_rest_is_saved(designer_client, draft):
    data = page_post(designer_client, draft, fee="seventy", competency="Kept competency")
    response = designer_client.post(edit_url(draft), data)

    assert response.status_code == 422
    assert 'value="seventy"' in response.text
    assert 'id="id_fee_invalid"' in response.text and "Enter a number" in response.text
    draft.refresh_from_db()
    assert draft.competency == "Kept competency"
    assert draft.fee_cents == 0


def test_move_buttons_reorder_without_script(designer_client, draft):
    first, second = list(draft.rubric_criteria.all())[:2]
    data = page_post(designer_client, draft, action=f"move:criterion:{second.pk}:up")

    response = designer_client.post(edit_url(draft), data)

    assert response.headers["Location"].endswith(f"#criterion-{second.pk}")
    assert [c.pk for c in draft.rubric_criteria.order_by("position")][:2] == [second.pk, first.pk]


def test_posted_positions_reorder_like_a_drag(designer_client, draft):
    prompts = list(draft.prompts.filter(part=Part.OVERVIEW).order_by("position"))
    assert len(prompts) >= 2
    data = page_post(
        designer_client,
        draft,
        **{f"prompt_{prompts[0].pk}_position": "2", f"prompt_{prompts[1].pk}_position": "1"},
    )
    designer_client.post(edit_url(draft), data)
    ordered = list(draft.prompts.filter(part=Part.OVERVIEW).order_by("position"))
    assert [p.pk for p in ordered][:2] == [prompts[1].pk, prompts[0].pk]


def test_add_and_remove_items(designer_client, draft):
    before = draft.prompts.filter(part=Part.IMPACT).count()
    data = page_post(designer_client, draft, action="add:prompt:4")
    response = designer_client.post(edit_url(draft), data)
    added = draft.prompts.filter(part=Part.IMPACT).latest("pk")
    assert draft.prompts.filter(part=Part.IMPACT).count() == before + 1
    assert response.headers["Location"].endswith(f"#prompt-{added.pk}")

    data = page_post(designer_client, draft, action=f"remove:prompt:{added.pk}")
    designer_client.post(edit_url(draft), data)
    assert not draft.prompts.filter(pk=added.pk).exists()


def test_autosave_from_a_second_tab_reports_a_conflict_and_changes_nothing(designer_client, draft):
    url = reverse("studio:autosave", kwargs={"uuid": draft.uuid})
    first_tab = page_post(designer_client, draft, competency="From the first tab")
    second_tab = dict(first_tab, competency="From the second tab")

    saved = designer_client.post(url, first_tab)
    assert saved.status_code == 200 and saved.json()["ok"]
    refused = designer_client.post(url, second_tab)

    assert refused.status_code == 409 and refused.json()["conflict"]
    draft.refresh_from_db()
    assert draft.competency == "From the first tab"

    # Save draft from the stale tab keeps its text in the form beside the warning.
    page = designer_client.post(edit_url(draft), second_tab)
    assert page.status_code == 409
    assert "From the second tab" in page.text and 'id="conflict"' in page.text
    assert 'data-unsaved="true"' in page.text


def test_autosave_reports_refused_values_per_field(designer_client, draft):
    url = reverse("studio:autosave", kwargs={"uuid": draft.uuid})
    data = page_post(designer_client, draft, validity_months="-3", overview="Saved anyway")
    body = designer_client.post(url, data).json()
    assert body["errors"].keys() == {"validity_months"}
    draft.refresh_from_db()
    assert draft.overview == "Saved anyway"


# --- versions in the studio --------------------------------------------------------------


def test_a_published_version_is_read_only_until_a_new_version_is_opened(
    designer_client, organization
):
    published = CredentialFactory(organization=organization, with_content=True)
    page = designer_client.get(edit_url(published))
    assert "Open a new version" in page.text
    assert '<fieldset class="studio-fields" disabled>' in page.text

    stale = page_post(designer_client, published, competency="Changed in place")
    refused = designer_client.post(
        reverse("studio:autosave", kwargs={"uuid": published.uuid}), stale
    )
    assert refused.status_code == 409
    published.refresh_from_db()
    assert published.competency != "Changed in place"

    response = designer_client.post(reverse("studio:new_version", kwargs={"uuid": published.uuid}))
    v2 = MicroCredential.objects.get(lineage=published.lineage, version=2)
    assert response.headers["Location"] == edit_url(v2)
    assert designer_client.get(edit_url(v2)).context["editable"]


def test_publish_button_goes_through_the_quality_gate(designer_client, draft):
    response = designer_client.post(
        reverse("studio:publish", kwargs={"uuid": draft.uuid}), follow=True
    )
    draft.refresh_from_db()
    assert not draft.is_published
    assert "not been reviewed yet" in response.text


# --- previews -----------------------------------------------------------------------------


def test_previews_show_the_learners_pages_without_their_buttons(designer_client, draft):
    details = designer_client.get(reverse("studio:preview", kwargs={"uuid": draft.uuid}))
    assert details.status_code == 200
    assert draft.competency in details.text
    assert "Preview." in details.text
    assert reverse("submissions:apply", kwargs={"slug": draft.slug}) not in details.text

    application = designer_client.get(
        reverse("studio:preview_application", kwargs={"uuid": draft.uuid})
    )
    assert application.status_code == 200
    for prompt in draft.prompts.all():
        assert prompt.text in application.text
    assert 'value="submit"' not in application.text
    assert "data-autosave-url" not in application.text
    assert not draft.submissions.exists()


# --- query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 50])
def test_studio_pages_query_counts_stay_flat(
    designer_client, organization, draft, size, django_assert_max_num_queries
):
    add_items(draft, size)
    for i in range(size // 5):
        CredentialFactory(organization=organization, title=f"Other {i}", is_published=False)
    with django_assert_max_num_queries(5):
        assert designer_client.get(reverse("studio:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert designer_client.get(edit_url(draft)).status_code == 200
    data = page_post(designer_client, draft, competency="Flat")
    with django_assert_max_num_queries(26):
        assert designer_client.post(edit_url(draft), data).status_code == 302
    with django_assert_max_num_queries(14):
        assert (
            designer_client.get(reverse("studio:preview", kwargs={"uuid": draft.uuid})).status_code
            == 200
        )
    with django_assert_max_num_queries(12):
        url = reverse("studio:preview_application", kwargs={"uuid": draft.uuid})
        assert designer_client.get(url).status_code == 200


# --- the editor's kept fields ----------------------------------------------------------------


def _prompt_queries(client, credential):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(edit_url(credential))
    assert page.status_code == 200
    return page, [q["sql"] for q in queries.captured_queries if "credentials_prompt" in q["sql"]]


def test_editor_fields_are_kept_until_a_save_changes_them(designer_client, designer, draft):
    first, read = _prompt_queries(designer_client, draft)
    assert read
    second, read = _prompt_queries(designer_client, draft)
    assert not read
    assert (
        second.text.split('name="version"')[1].split('class="save-bar"')[0]
        == (first.text.split('name="version"')[1].split('class="save-bar"')[0])
    )
    # The form is still there for whoever reads it.
    assert second.context["form"]["title"].value() == draft.title

    prompt = draft.prompts.first()
    saved = designer_client.post(
        edit_url(draft), page_post(designer_client, draft, **{f"prompt_{prompt.pk}_text": "Anew"})
    )
    assert saved.status_code == 302
    page = designer_client.get(edit_url(draft))
    assert "Anew" in page.text
    assert f'name="version" value="{draft.revision + 1}"' in page.text


def test_editor_shows_a_prompt_changed_outside_the_studio(designer_client, draft):
    designer_client.get(edit_url(draft))
    prompt = draft.prompts.first()
    prompt.text = "Edited in the admin"
    prompt.save()
    assert "Edited in the admin" in designer_client.get(edit_url(draft)).text
    prompt.delete()
    assert "Edited in the admin" not in designer_client.get(edit_url(draft)).text


def test_editor_offers_a_new_topic_and_shows_topics_set_elsewhere(designer_client, draft):
    designer_client.get(edit_url(draft))
    topic = TopicFactory(name="Formative assessment")
    page = designer_client.get(edit_url(draft))
    assert "Formative assessment" in page.text
    # The topic's own box (another field may hold the same number as its value).
    box = f'name="topics" value="{topic.pk}"'
    assert box in page.text and "checked" not in page.text.split(box)[1].split(">")[0]

    draft.topics.add(topic)
    page = designer_client.get(edit_url(draft))
    assert "checked" in page.text.split(box)[1].split(">")[0]

    topic.name = "Assessment for learning"
    topic.save()
    assert "Assessment for learning" in designer_client.get(edit_url(draft)).text


def test_editor_turns_read_only_when_a_review_round_opens():
    from quality.services import round_open
    from tests.quality.conftest import build_world

    world = build_world()
    designer = world.client(world.designer)
    url = edit_url(world.credential)
    assert 'studio-fields" disabled' not in designer.get(url).text
    world.self_assess()
    round_open(credential=world.credential, actor=world.designer)
    page = designer.get(url)
    assert 'class="studio-fields" disabled' in page.text


# --- the studio list, kept ---------------------------------------------------------------------


def test_studio_list_follows_every_change_it_shows(designer_client, designer, organization, draft):
    import datetime as dt

    import time_machine

    from credentials.services import CredentialChanges, credential_draft_save
    from quality.models import ReviewRound, RoundStatus
    from tests.quality.conftest import make_framework

    index = reverse("studio:index")
    start = dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        draft.save()
        assert "updated March 2, 2026" in designer_client.get(index).text
    # A studio save takes a new revision without saving the version's row.
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        prompt = draft.prompts.first()
        credential_draft_save(
            credential=draft,
            actor=designer,
            revision=draft.revision,
            changes=CredentialChanges(prompts={prompt.pk: {"text": "Reworded"}}),
        )
    assert "updated March 5, 2026" in designer_client.get(index).text

    draft.title = "Talk moves"
    draft.save()
    assert "Talk moves" in designer_client.get(index).text

    organization.name = "Lakeside Schools"
    organization.save()
    assert "Lakeside Schools" in designer_client.get(index).text

    assert "In review" not in designer_client.get(index).text
    ReviewRound.objects.create(
        credential=draft, framework=make_framework(), number=1, status=RoundStatus.OPEN
    )
    assert "In review" in designer_client.get(index).text

    CredentialFactory(organization=organization, title="Wait time", is_published=False)
    assert "Wait time" in designer_client.get(index).text
