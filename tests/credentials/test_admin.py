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
