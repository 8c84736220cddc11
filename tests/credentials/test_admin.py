import pytest
from django.urls import reverse

from credentials.models import MicroCredential
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:credentials_microcredential_changelist")


def test_credential_changelist_shows_organization_state_and_fee(staff_client):
    CredentialFactory(title="Paid", fee_cents=15000)
    CredentialFactory(title="Draft", is_published=False)

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Paid" in html and "Draft" in html
    assert "$150.00" in html
    assert "Publish selected" in html
    assert "Unpublish selected" in html


def test_credential_changelist_search_and_filter(staff_client):
    CredentialFactory(title="Close Reading")
    CredentialFactory(title="Math Talk", is_published=False)

    found = staff_client.get(CHANGELIST, {"q": "reading"})
    drafts = staff_client.get(CHANGELIST, {"is_published__exact": "0"})

    assert list(found.context["cl"].queryset.values_list("title", flat=True)) == ["Close Reading"]
    assert list(drafts.context["cl"].queryset.values_list("title", flat=True)) == ["Math Talk"]


def test_credential_change_page_has_the_inlines_and_the_snapshot_note(staff_client):
    credential = CredentialFactory()

    response = staff_client.get(
        reverse("admin:credentials_microcredential_change", args=[credential.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="prompts-0-word_limit"' in html
    assert 'name="prompts-0-required"' in html
    assert 'name="evidence_requirements-0-title"' in html
    assert 'name="rubric_criteria-0-title"' in html
    assert "keep the prompts they were submitted with" in html


def test_add_page_renders(staff_client):
    response = staff_client.get(reverse("admin:credentials_microcredential_add"))

    assert response.status_code == 200


def test_publish_and_unpublish_actions(staff_client):
    draft = CredentialFactory(is_published=False)
    live = CredentialFactory()

    response = staff_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [draft.pk, live.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.published_at is not None
    assert "Published 1 credential." in response.content.decode()

    staff_client.post(
        CHANGELIST, {"action": "unpublish_selected", "_selected_action": [draft.pk, live.pk]}
    )
    assert not MicroCredential.objects.filter(is_published=True).exists()
    assert not MicroCredential.objects.filter(published_at__isnull=False).exists()


def test_learners_cannot_reach_the_admin(learner_client):
    response = learner_client.get(CHANGELIST)

    assert response.status_code == 302
    assert reverse("admin:login") in response.url


@pytest.mark.parametrize(
    "name", ["credentials_organization", "credentials_topic", "credentials_favorite"]
)
def test_other_changelists_render(staff_client, name):
    assert staff_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_favorites_are_read_only_in_admin(staff_client, learner):
    from credentials.models import Favorite

    favorite = Favorite.objects.create(user=learner, credential=CredentialFactory())

    assert staff_client.get(reverse("admin:credentials_favorite_add")).status_code == 403
    change = staff_client.get(reverse("admin:credentials_favorite_change", args=[favorite.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()


def test_publishing_a_credential_nobody_can_assess_warns_naming_it(staff_client):
    from tests.assessments.factories import make_assessor

    orphan = CredentialFactory(title="Math Talk", is_published=False)
    covered = CredentialFactory(title="Close Reading", is_published=False)
    make_assessor(organization=covered.organization)

    response = staff_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [orphan.pk, covered.pk]},
        follow=True,
    )

    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "Nobody can assess “Math Talk”" in warnings[0]
    assert "Assessor scopes" in warnings[0]
    assert "Published 2 credentials." in response.content.decode()


def test_publishing_warns_when_the_only_assessor_is_inactive(staff_client):
    from tests.assessments.factories import make_assessor

    credential = CredentialFactory(title="Math Talk", is_published=False)
    make_assessor(credential=credential, is_active=False)

    response = staff_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [credential.pk]}, follow=True
    )

    assert "Nobody can assess “Math Talk”" in response.content.decode()


def _change_form_data(credential, **overrides):
    data = {
        "organization": credential.organization_id,
        "title": credential.title,
        "slug": credential.slug,
        "summary": credential.summary,
        "competency": credential.competency,
        "fee_cents": "150.00",
        "resubmission_fee_cents": "0",
        "currency": "usd",
        "estimated_hours": 10,
    }
    for prefix in ("prompts", "evidence_requirements", "rubric_criteria"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return {**data, **overrides}


def test_fees_are_shown_and_typed_in_the_currencys_units(staff_client):
    credential = CredentialFactory(with_content=False, fee_cents=15000, resubmission_fee_cents=0)
    url = reverse("admin:credentials_microcredential_change", args=[credential.pk])

    page = staff_client.get(url).content.decode()
    assert 'name="fee_cents" value="150.00"' in page
    assert "(cents)" not in page

    response = staff_client.post(
        url,
        _change_form_data(credential, fee_cents="$1,250.50", resubmission_fee_cents="75"),
    )

    assert response.status_code == 302
    credential.refresh_from_db()
    assert (credential.fee_cents, credential.resubmission_fee_cents) == (125050, 7500)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,50", "Enter an amount such as 25.00."),
        ("twelve", "Enter an amount such as 25.00."),
        ("12.505", "Enter at most two digits after the decimal point."),
        ("-5", "Enter an amount of at least 0."),
        ("99999999999", "Enter an amount of at most 21474836.47."),
    ],
)
def test_a_fee_that_is_not_an_amount_is_refused_beside_the_field(staff_client, typed, message):
    credential = CredentialFactory(with_content=False, fee_cents=15000)
    url = reverse("admin:credentials_microcredential_change", args=[credential.pk])

    response = staff_client.post(url, _change_form_data(credential, fee_cents=typed))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["fee_cents"] == [message]
    assert f'value="{typed}"' in response.content.decode()  # what was typed stays
    credential.refresh_from_db()
    assert credential.fee_cents == 15000


def test_prompts_evidence_and_criteria_can_be_put_in_order_with_buttons(staff_client):
    credential = CredentialFactory()

    page = staff_client.get(
        reverse("admin:credentials_microcredential_change", args=[credential.pk])
    ).content.decode()

    assert "js/admin_ordering.js" in page
    assert page.count("ordered-inline") == 3
    assert "ordered-inline order-group-part" in page  # prompts are ordered within their part
    assert 'name="rubric_criteria-0-position"' in page  # typed by hand without JavaScript
