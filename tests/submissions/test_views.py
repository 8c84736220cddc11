import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from submissions import services
from submissions.models import Status, Submission
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import (
    PDF_BYTES,
    moves_to,
    page_data,
    pdf_upload,
    submitted_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    return CredentialFactory()


@pytest.fixture
def draft(learner, credential):
    return services.submission_apply(learner=learner, credential=credential)[0]


form_data = page_data


def test_anonymous_apply_goes_to_login(client, credential):
    response = client.post(reverse("submissions:apply", kwargs={"slug": credential.slug}))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Submission.objects.exists()


def test_apply_again_opens_the_existing_draft(learner_client, credential):
    url = reverse("submissions:apply", kwargs={"slug": credential.slug})
    first = learner_client.post(url)
    second = learner_client.post(url, follow=True)
    assert first["Location"] == second.redirect_chain[0][0]
    assert b"You already have a draft" in second.content
    assert Submission.objects.count() == 1


def test_application_page_shows_all_parts_and_evidence_instructions(learner_client, draft):
    page = learner_client.get(draft.get_absolute_url()).content.decode()
    for heading in ("Part 1: Overview", "Part 2: Evidence", "Part 3: Reflection", "Part 4"):
        assert heading in page
    assert "Upload a lesson plan and a short video clip." in page
    assert "Describe your teaching context." in page
    assert "0</span> of 50 words" in page
    assert "sharing" in page  # reminder to open link permissions
    assert 'target="_blank"' in page  # credential details without losing work


def test_save_and_reload_keeps_text_files_and_links(learner_client, draft):
    data = form_data(
        draft,
        text="My classroom is a fourth grade room.",
        files=[pdf_upload("plan.pdf"), pdf_upload("rubric.pdf")],
        link_title="Lesson video",
        link_url="https://video.example.org/lesson",
    )
    response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 302
    page = learner_client.get(draft.get_absolute_url()).content.decode()
    assert page.count("My classroom is a fourth grade room.") == draft.responses.count()
    assert "plan.pdf" in page and "rubric.pdf" in page
    assert "https://video.example.org/lesson" in page
    assert "Draft saved at" in page


def test_over_limit_answer_comes_back_intact_with_the_error_beside_it(learner_client, draft):
    response_row = draft.responses.get(word_limit=50)
    long_text = "<b>" + " ".join(f"w{i}" for i in range(60))
    data = form_data(draft)
    data[f"response_{response_row.pk}"] = long_text
    response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "&lt;b&gt;w0 w1" in page and "w59" in page
    assert "This answer has 60 words; the limit is 50." in page
    response_row.refresh_from_db()
    assert response_row.text == long_text


def test_second_tab_save_reports_conflict_and_keeps_the_typed_text(learner_client, draft):
    stale = draft.version
    learner_client.post(draft.get_absolute_url(), form_data(draft, text="tab one text"))
    conflict = learner_client.post(
        draft.get_absolute_url(), form_data(draft, text="tab two text", version=stale)
    )
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "saved from another tab" in page
    assert "tab two text" in page
    assert all(r.text == "tab one text" for r in draft.responses.all())
    # Saving again from the conflict page (it now carries the current version) keeps tab two.
    assert 'name="version" value="2"' in page
    learner_client.post(draft.get_absolute_url(), form_data(draft, text="tab two text", version=2))
    assert all(r.text == "tab two text" for r in draft.responses.all())


def test_wrong_type_upload_is_rejected_and_nothing_else_is_lost(learner_client, draft):
    fake = SimpleUploadedFile("lesson.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    data = form_data(
        draft,
        text="keep me",
        files=[fake, pdf_upload("real.pdf")],
        link_title="Video",
        link_url="https://example.org/v",
    )
    response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "“lesson.pdf” is not a file type we accept" in page
    assert "keep me" in page
    assert list(draft.attachments.values_list("original_name", flat=True)) == ["real.pdf"]
    assert draft.links.count() == 1
    assert all(r.text == "keep me" for r in draft.responses.all())


def test_oversize_upload_is_rejected_with_a_message(learner_client, draft, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024
    big = SimpleUploadedFile("video.pdf", PDF_BYTES + b"0" * 4096, "application/pdf")
    response = learner_client.post(draft.get_absolute_url(), form_data(draft, files=[big]))
    assert response.status_code == 422
    assert "each file may be at most" in response.content.decode()
    assert not draft.attachments.exists()


def test_non_http_link_is_refused_and_the_rest_is_saved(learner_client, draft):
    data = form_data(draft, text="saved anyway", link_title="Bad", link_url="javascript:alert(1)")
    response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "starts with http:// or https://" in page
    assert 'value="javascript:alert(1)"' in page  # the learner can correct what they typed
    assert not draft.links.exists()
    assert all(r.text == "saved anyway" for r in draft.responses.all())


def test_remove_attachment_and_link(learner_client, draft):
    learner_client.post(
        draft.get_absolute_url(),
        form_data(draft, files=[pdf_upload()], link_title="V", link_url="https://e.org/v"),
    )
    draft.refresh_from_db()
    attachment, link = draft.attachments.get(), draft.links.get()
    learner_client.post(
        draft.get_absolute_url(), form_data(draft, remove_attachment=str(attachment.uuid))
    )
    draft.refresh_from_db()
    learner_client.post(draft.get_absolute_url(), form_data(draft, remove_link=link.pk))
    assert not draft.attachments.exists() and not draft.links.exists()


def test_submit_without_attestations_lists_what_is_missing(learner_client, draft):
    data = form_data(draft, files=[pdf_upload()], action="submit")
    response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 422
    page = response.content.decode()
    assert "not ready to submit" in page
    assert page.count('href="#attestation-') == 3
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_submit_then_double_post_moves_once(learner_client, draft):
    data = form_data(
        draft,
        files=[pdf_upload()],
        action="submit",
        file_requirement=draft.credential.evidence_requirements.get().pk,
        attest_ready="on",
        attest_release="on",
        attest_original="on",
    )
    first = learner_client.post(draft.get_absolute_url(), data, follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.IN_REVIEW
    assert f"Your submission ID is {draft.reference}" in first.content.decode()
    data.pop("files")
    second = learner_client.post(draft.get_absolute_url(), data, follow=True)
    assert "already been submitted" in second.content.decode()
    assert moves_to(draft, Status.IN_REVIEW) == 1


def test_submitted_application_is_read_only(learner_client, learner, credential):
    submission = submitted_application(learner, credential)
    page = learner_client.get(submission.get_absolute_url()).content.decode()
    assert "<textarea" not in page
    assert submission.reference in page
    assert "confirmed" in page  # attestation times


def test_other_learner_and_anonymous_cannot_see_a_draft_or_its_files(
    learner_client, other_client, draft
):
    anonymous = Client()
    learner_client.post(draft.get_absolute_url(), form_data(draft, files=[pdf_upload()]))
    attachment = draft.attachments.get()
    assert learner_client.get(attachment.get_absolute_url()).status_code == 200
    assert other_client.get(draft.get_absolute_url()).status_code == 404
    assert other_client.post(draft.get_absolute_url(), form_data(draft)).status_code == 404
    assert other_client.get(attachment.get_absolute_url()).status_code == 404
    assert anonymous.get(draft.get_absolute_url()).status_code == 302
    assert anonymous.get(attachment.get_absolute_url()).status_code == 302


def test_download_serves_the_file_as_an_attachment_with_nosniff(learner_client, draft):
    learner_client.post(draft.get_absolute_url(), form_data(draft, files=[pdf_upload("p.pdf")]))
    response = learner_client.get(draft.attachments.get().get_absolute_url())
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="p.pdf"' == response["Content-Disposition"]


def test_staff_can_download_evidence(learner_client, staff_client, draft):
    learner_client.post(draft.get_absolute_url(), form_data(draft, files=[pdf_upload()]))
    assert staff_client.get(draft.attachments.get().get_absolute_url()).status_code == 200


def test_autosave_saves_text_and_reports_conflicts(learner_client, draft):
    url = reverse("submissions:autosave", kwargs={"uuid": draft.uuid})
    ok = learner_client.post(url, form_data(draft, text="autosaved words"))
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert all(r.text == "autosaved words" for r in draft.responses.all())
    stale = learner_client.post(url, form_data(draft, text="stale", version=1))
    assert stale.status_code == 409 and stale.json()["conflict"] is True
    assert all(r.text == "autosaved words" for r in draft.responses.all())


def test_answers_are_escaped_on_the_submitted_page(learner_client, learner, credential):
    submission = submitted_application(learner, credential)
    response = submission.responses.first()
    response.text = "<script>alert('x')</script>"
    response.save()
    page = learner_client.get(submission.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def _deny_and_resubmit(learner, submission):
    from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft

    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    submission.refresh_from_db()
    draft = services.submission_resubmit(submission=submission, actor=learner)
    complete_draft(draft, learner)
    return services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )


def test_submission_page_queries_do_not_grow_with_earlier_attempts(
    learner_client, learner, credential, django_assert_max_num_queries
):
    first = submitted_application(learner, credential)
    with django_assert_max_num_queries(40) as one_attempt:
        learner_client.get(first.get_absolute_url())
    latest = first
    for _ in range(3):
        latest = _deny_and_resubmit(learner, latest)
    with django_assert_max_num_queries(len(one_attempt.captured_queries)):
        page = learner_client.get(latest.get_absolute_url())
    assert page.status_code == 200
    assert first.reference in page.content.decode()
