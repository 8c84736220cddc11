"""A draft's page kept for its learner (``submissions.draft_page``): a repeat
visit reads nothing of the application and shows the same page, and every
change the page shows (her own saves, a submit, a pre-check, staff editing a
prompt, her language) is on the next visit."""

import pytest
from django.conf import settings
from django.utils import timezone

from checks.models import PrecheckTrigger
from checks.services import precheck as precheck_services
from credentials.models import Prompt
from submissions import kept, services
from submissions.models import ExtraAttempt
from tests.core.kept_pages import TOKEN, form_token, second_browser_page
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft, page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(title="Kept draft")
    )
    return draft


def _page(client, draft) -> str:
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _without_tokens(page: str) -> str:
    return TOKEN.sub("", page)


def test_a_repeat_visit_reads_no_application_and_shows_the_same_page(
    learner_client, draft, django_assert_num_queries
):
    first = _page(learner_client, draft)
    with django_assert_num_queries(2) as captured:  # the session and the user
        again = _page(learner_client, draft)
    assert not any("submissions_" in q["sql"] for q in captured.captured_queries)
    assert _without_tokens(again) == _without_tokens(first)
    assert "Application: Kept draft" in again and 'id="application-form"' in again


def test_each_browser_gets_its_own_token_in_every_form(learner, draft):
    second, page = second_browser_page(learner, draft.get_absolute_url())
    response = second.post(
        draft.get_absolute_url(),
        {**page_data(draft, "Sent from the kept page."), "csrfmiddlewaretoken": form_token(page)},
    )
    assert response.status_code == 302
    assert draft.responses.filter(text="Sent from the kept page.").exists()


def test_another_learner_never_gets_the_kept_page(learner_client, other_client, draft):
    _page(learner_client, draft)
    assert other_client.get(draft.get_absolute_url()).status_code == 404


def test_her_saves_show_on_the_next_visit(learner_client, learner, draft):
    _page(learner_client, draft)
    response_id = draft.responses.first().pk
    url = f"/applications/{draft.uuid}/autosave/"
    data = page_data(draft, "")
    data[f"response_{response_id}"] = "Typed and saved in the background."
    assert learner_client.post(url, data).json()["ok"] is True
    page = _page(learner_client, draft)
    assert "Typed and saved in the background." in page
    # The version the form carries is the new one: a save from this page is no conflict.
    draft.refresh_from_db()
    assert f'name="version" value="{draft.version}"' in page


def test_a_message_after_a_save_is_shown_on_the_kept_page(learner_client, draft):
    _page(learner_client, draft)
    learner_client.post(draft.get_absolute_url(), page_data(draft, "Saved by the button."))
    page = _page(learner_client, draft)  # kept again by this visit's render
    assert "Saved by the button." in page and "Draft saved" in page
    again = _page(learner_client, draft)
    assert "Draft saved" not in again  # shown once, as on any page


def test_a_submitted_application_shows_as_submitted(learner_client, learner, draft):
    _page(learner_client, draft)
    complete_draft(draft, learner)
    services.submission_submit(submission=draft, actor=learner, attestations=ALL_ATTESTATIONS)
    page = _page(learner_client, draft)
    assert 'id="application-form"' not in page


def test_a_finished_pre_check_shows_its_results(learner_client, learner, draft):
    assert "Last checked" not in _page(learner_client, draft)
    precheck_services.precheck_store(
        submission=draft, trigger=PrecheckTrigger.DRAFT, actor=learner, findings=[]
    )
    assert "Last checked" in _page(learner_client, draft)


def test_a_prompt_staff_edited_shows_its_new_text(learner_client, draft):
    _page(learner_client, draft)
    prompt = Prompt.objects.filter(credential=draft.credential).order_by("pk").first()
    prompt.text = "Describe the lesson you are proudest of."
    prompt.save()
    assert "Describe the lesson you are proudest of." in _page(learner_client, draft)


def test_the_page_follows_her_language(learner_client, draft):
    assert "Save draft" in _page(learner_client, draft)
    learner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = _page(learner_client, draft)
    assert 'lang="es"' in page and "Guardar borrador" in page


def test_an_extra_attempt_allowed_retires_what_was_kept(learner, draft, staff_user):
    from core import fragment_cache

    name = kept.learner_applications(learner.pk)
    before = fragment_cache.versions(name)
    ExtraAttempt.objects.create(
        learner=learner,
        credential=draft.credential,
        granted_by=staff_user,
        note="Agreed.",
        granted_at=timezone.now(),
    )
    assert fragment_cache.versions(name) != before
