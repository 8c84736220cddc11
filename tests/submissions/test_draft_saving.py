"""Saving a draft never loses or damages what the learner wrote.

A lost sign-in is told apart from a network failure; an answer that cannot be
stored (a null character, too long) or did not arrive is refused beside its
field and the stored answer stays as it was; too many files refuse the files,
not the text; a refused stale save keeps the typed link.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from submissions import services
from submissions.models import Status
from submissions.words import MAX_ANSWER_CHARS
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import PDF_BYTES, page_data, pdf_upload

pytestmark = pytest.mark.django_db

STORED = "What I wrote last week and saved."


@pytest.fixture
def draft(learner):
    draft, _ = services.submission_apply(learner=learner, credential=CredentialFactory())
    answers = {r.pk: STORED for r in draft.responses.all()}
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers=answers),
    )
    draft.refresh_from_db()
    return draft


def autosave_url(draft):
    return reverse("submissions:autosave", kwargs={"uuid": draft.uuid})


def form_data(draft, text="New words from today.", **extra):
    return page_data(draft, text, **extra)


def stored_answers(draft):
    return [r.text for r in draft.responses.order_by("pk")]


# --- a lost sign-in ---------------------------------------------------------------


def test_autosave_when_signed_out_answers_json_401_not_the_login_page(draft):
    response = Client().post(autosave_url(draft), form_data(draft))

    assert response.status_code == 401
    body = response.json()
    assert body["ok"] is False and body["signed_out"] is True
    assert "signed out" in body["error"]
    assert set(stored_answers(draft)) == {STORED}


def test_save_draft_when_signed_out_goes_to_sign_in_and_back_to_the_draft(draft):
    anonymous = Client()

    response = anonymous.post(draft.get_absolute_url(), form_data(draft))

    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"] == f"{login}?next={draft.get_absolute_url()}"
    page = anonymous.get(response["Location"]).content.decode()
    assert "You were signed out, so your last changes were not saved." in page
    assert "restore the text this browser kept" in page


def test_autosave_with_a_token_from_before_signing_in_again_says_so_in_json(learner, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    browser.get(draft.get_absolute_url())
    stale = browser.cookies["csrftoken"].value
    browser.logout()
    browser.force_login(learner)
    browser.cookies["csrftoken"] = "x" * 32  # signing in rotates the token

    response = browser.post(
        autosave_url(draft),
        form_data(draft, csrfmiddlewaretoken=stale),
        headers={"accept": "application/json"},
    )

    assert response.status_code == 403
    assert response.json()["csrf"] is True
    assert set(stored_answers(draft)) == {STORED}


def test_autosave_after_the_cookies_are_gone_reports_signed_out(draft):
    browser = Client(enforce_csrf_checks=True)

    response = browser.post(
        autosave_url(draft), form_data(draft), headers={"accept": "application/json"}
    )

    assert response.status_code == 401
    assert response.json()["signed_out"] is True


def test_save_draft_with_a_stale_token_explains_where_the_text_is(learner, draft):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    browser.get(draft.get_absolute_url())
    browser.cookies["csrftoken"] = "y" * 32

    response = browser.post(
        draft.get_absolute_url(), form_data(draft, csrfmiddlewaretoken="z" * 32)
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "This page was not sent" in page
    assert "the text you typed is kept in this browser" in page
    assert f'href="{draft.get_absolute_url()}"' in page
    assert set(stored_answers(draft)) == {STORED}


def test_the_edit_page_tells_its_script_where_to_sign_in_and_which_draft_it_is(
    learner_client, draft
):
    page = learner_client.get(draft.get_absolute_url()).content.decode()

    assert f'data-draft="{draft.uuid}"' in page
    assert f'data-login-url="/accounts/login/?next={draft.get_absolute_url()}"' in page
    assert 'data-csrf-cookie="csrftoken"' in page
    assert "Restore my unsaved text" in page


# --- answers that cannot be stored or did not arrive -----------------------------


def test_a_nul_byte_is_refused_beside_its_answer_and_the_others_are_saved(learner_client, draft):
    first, *others = draft.responses.order_by("pk")
    data = form_data(draft, text="Fresh text.")
    data[f"response_{first.pk}"] = "Before\x00after"

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 422
    page = response.content.decode()
    assert "invisible null character" in page
    assert f'id="id_response_{first.pk}_invalid" role="alert">' in page
    assert "Some answers were not saved" in page
    assert "Draft saved at" not in page
    first.refresh_from_db()
    assert first.text == STORED
    assert all(r.text == "Fresh text." for r in draft.responses.exclude(pk=first.pk))


def test_autosave_refuses_a_nul_byte_with_the_reason_per_field(learner_client, draft):
    first = draft.responses.order_by("pk").first()
    data = form_data(draft, text="Fresh text.")
    data[f"response_{first.pk}"] = "\x00"

    response = learner_client.post(autosave_url(draft), data)

    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert list(body["errors"]) == [f"response_{first.pk}"]
    assert "null character" in body["errors"][f"response_{first.pk}"][0]
    assert body["version"] == draft.version + 1  # the other answers were saved
    first.refresh_from_db()
    assert first.text == STORED


def test_a_save_without_the_answer_fields_keeps_every_answer_and_says_so(learner_client, draft):
    response = learner_client.post(
        draft.get_absolute_url(), {"version": draft.version, "action": "save"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert page.count("This answer did not arrive with your save") == draft.responses.count()
    assert page.count(f">{STORED}</textarea>") == draft.responses.count()
    assert set(stored_answers(draft)) == {STORED}


def test_autosave_without_the_answer_fields_changes_nothing(learner_client, draft):
    response = learner_client.post(autosave_url(draft), {"version": draft.version})

    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert len(body["errors"]) == draft.responses.count()
    draft.refresh_from_db()
    assert draft.version == 2
    assert set(stored_answers(draft)) == {STORED}


def test_an_answer_over_50000_characters_is_refused_whole_and_kept_on_the_page(
    learner_client, draft
):
    first = draft.responses.order_by("pk").first()
    too_long = "a" * MAX_ANSWER_CHARS + "THE-END"
    data = form_data(draft)
    data[f"response_{first.pk}"] = too_long

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 422
    page = response.content.decode()
    assert "This answer has 50,007 characters; the limit is 50,000." in page
    assert f">{too_long}</textarea>" in page
    first.refresh_from_db()
    assert first.text == STORED


def test_line_breaks_count_once_toward_the_character_limit(learner_client, draft):
    first = draft.responses.order_by("pk").first()
    # What the page shows as exactly 50,000 characters, posted with CRLF line breaks.
    text = ("x" * 99 + "\n") * (MAX_ANSWER_CHARS // 100)
    data = form_data(draft)
    data[f"response_{first.pk}"] = text.replace("\n", "\r\n")

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 200  # saved, with a word-limit warning
    assert "characters; the limit is" not in response.content.decode()
    first.refresh_from_db()
    assert first.text == text


def test_the_service_refuses_rather_than_cuts_an_answer(learner, draft):
    first = draft.responses.order_by("pk").first()

    result = services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(answers={first.pk: "b" * (MAX_ANSWER_CHARS + 1)}),
    )

    assert "the limit is 50,000" in result.refused_answers[first.pk]
    first.refresh_from_db()
    assert first.text == STORED


# --- too many files ------------------------------------------------------------------


def test_more_than_100_files_saves_the_text_and_refuses_the_files(learner_client, draft):
    files = [SimpleUploadedFile(f"page-{i}.pdf", PDF_BYTES, "application/pdf") for i in range(101)]

    response = learner_client.post(
        draft.get_absolute_url(), form_data(draft, text="Typed before choosing files.", files=files)
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "You chose 101 files; one save can add at most 100, so none of them were added" in page
    assert set(stored_answers(draft)) == {"Typed before choosing files."}
    assert not draft.attachments.exists()


def test_a_hundred_files_or_fewer_still_arrive(learner_client, draft, settings):
    settings.UPLOAD_MAX_FILES_PER_REQUEST = 3
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # the temporary-file path as well
    files = [pdf_upload(f"p{i}.pdf") for i in range(3)]

    response = learner_client.post(draft.get_absolute_url(), form_data(draft, files=files))

    assert response.status_code == 302
    assert sorted(draft.attachments.values_list("original_name", flat=True)) == [
        "p0.pdf",
        "p1.pdf",
        "p2.pdf",
    ]


# --- a refused stale save -------------------------------------------------------------


def test_a_refused_stale_save_keeps_the_typed_link(learner_client, draft):
    stale = draft.version
    learner_client.post(draft.get_absolute_url(), form_data(draft, text="Other tab."))

    response = learner_client.post(
        draft.get_absolute_url(),
        form_data(
            draft,
            version=stale,
            link_title="Lesson video",
            link_url="https://video.example.org/lesson-7",
        ),
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="Lesson video"' in page
    assert 'value="https://video.example.org/lesson-7"' in page
    assert not draft.links.exists()


# --- the background save in one statement -------------------------------------------


def test_autosave_missing_one_answer_saves_the_others_and_names_the_missing_one(
    learner_client, draft
):
    first = draft.responses.order_by("pk").first()
    data = form_data(draft, text="Fresh text.")
    del data[f"response_{first.pk}"]

    response = learner_client.post(autosave_url(draft), data)

    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == [f"response_{first.pk}"]
    assert body["version"] == draft.version + 1
    first.refresh_from_db()
    assert first.text == STORED
    assert all(r.text == "Fresh text." for r in draft.responses.exclude(pk=first.pk))


def test_autosave_with_crlf_line_breaks_stores_them_as_the_page_counts_them(learner_client, draft):
    response = learner_client.post(autosave_url(draft), form_data(draft, text="One\r\nTwo"))

    assert response.status_code == 200 and response.json()["ok"] is True
    assert set(stored_answers(draft)) == {"One\nTwo"}


def test_autosave_writes_nothing_into_another_learners_draft(learner_client, draft, other_learner):
    theirs, _ = services.submission_apply(learner=other_learner, credential=CredentialFactory())
    their_answer = theirs.responses.first()
    data = form_data(draft, text="Mine.")
    data[f"response_{their_answer.pk}"] = "Written into someone else's draft."

    assert learner_client.post(autosave_url(draft), data).status_code == 200
    assert learner_client.post(autosave_url(theirs), form_data(theirs)).status_code == 404
    their_answer.refresh_from_db()
    theirs.refresh_from_db()
    assert their_answer.text == "" and theirs.version == 1
    assert set(stored_answers(draft)) == {"Mine."}


def test_autosave_of_a_submitted_application_changes_nothing(learner_client, draft):
    type(draft).objects.filter(pk=draft.pk).update(status=Status.IN_REVIEW)

    response = learner_client.post(autosave_url(draft), form_data(draft, text="Late words."))

    assert response.status_code == 409
    assert set(stored_answers(draft)) == {STORED}


def test_a_second_tab_autosave_with_the_old_version_reports_the_conflict(learner_client, draft):
    loaded = draft.version
    first = learner_client.post(autosave_url(draft), form_data(draft, text="Tab one."))
    assert first.json()["version"] == loaded + 1

    stale = learner_client.post(autosave_url(draft), form_data(draft, text="Tab two."))

    assert stale.status_code == 409
    body = stale.json()
    assert body["ok"] is False and body["conflict"] is True and body["version"] == loaded + 1
    assert set(stored_answers(draft)) == {"Tab one."}
