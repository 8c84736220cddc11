"""The completeness pre-check: on demand while drafting, on submit, and again by the assessor."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from checks.models import Precheck, PrecheckTrigger
from checks.services.precheck import precheck_request, precheck_run
from submissions import services
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import page_data

pytestmark = pytest.mark.django_db


def pdf(user_password=None):
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    if user_password:
        writer.encrypt(user_password=user_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def draft(learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(with_content=True)
    )
    return draft


def add_link(draft, learner, url, title="Lesson video"):
    draft.refresh_from_db()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(new_link={"title": title, "url": url}),
    )


def test_check_my_application_saves_then_shows_each_link_with_its_fix(
    learner_client, learner, draft, pages, django_capture_on_commit_callbacks
):
    add_link(draft, learner, pages.url("/drive/file/d/private-file/view"), "Observation video")
    add_link(draft, learner, pages.url("/public"), "Lesson plan page")
    draft.refresh_from_db()
    data = page_data(draft, text="I teach fourth grade.", action="check")
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#precheck")
    assert draft.responses.first().text == "I teach fourth grade."  # saved first
    page = learner_client.get(draft.get_absolute_url()).content.decode()
    assert "Observation video" in page
    assert "The assessor cannot open this link: Google Drive asks for permission" in page
    assert "In Google Drive, open Share, and under General access choose" in page
    assert "Lesson plan page" in page
    assert "Opens without signing in." in page
    run = Precheck.objects.get(submission=draft)
    assert run.trigger == PrecheckTrigger.DRAFT
    assert run.problems == 1


def test_a_warning_does_not_stop_the_submit(
    learner_client, learner, draft, pages, django_capture_on_commit_callbacks
):
    add_link(draft, learner, pages.url("/dropbox/private"))
    requirement = draft.credential.evidence_requirements.first()
    draft.refresh_from_db()
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            uploads=[(SimpleUploadedFile("plan.pdf", pdf()), requirement)]
        ),
    )
    draft.refresh_from_db()
    data = page_data(
        draft,
        text="I teach fourth grade.",
        action="submit",
        attest_ready="on",
        attest_release="on",
        attest_original="on",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = learner_client.post(draft.get_absolute_url(), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.status != "draft"
    run = Precheck.objects.get(submission=draft)
    assert run.trigger == PrecheckTrigger.SUBMIT
    assert run.is_finished and run.problems == 1


def test_files_that_do_not_open_are_reported(learner, draft, settings):
    requirement = draft.credential.evidence_requirements.first()
    uploads = [
        (SimpleUploadedFile("good.pdf", pdf()), requirement),
        (SimpleUploadedFile("locked.pdf", pdf(user_password="secret")), requirement),
        (SimpleUploadedFile("broken.pdf", b"%PDF-1.4\n%broken\n"), requirement),
    ]
    draft.refresh_from_db()
    result = services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(uploads=uploads),
    )
    assert draft.attachments.count() == 3, result.upload_errors  # notices only, all added
    run = precheck_run(
        precheck_id=precheck_request(submission=draft, trigger="draft", actor=learner).pk
    )
    codes = {f["code"] for f in run.findings}
    assert codes == {"ok", "pdf_encrypted", "pdf_broken"}
    assert run.problems == 2


def test_asking_twice_while_a_check_runs_joins_it(learner, draft):
    first = precheck_request(submission=draft, trigger="draft", actor=learner)
    second = precheck_request(submission=draft, trigger="draft", actor=learner)
    assert first.pk == second.pk
    precheck_run(precheck_id=first.pk)
    precheck_run(precheck_id=first.pk)  # safe to repeat
    assert Precheck.objects.filter(submission=draft).count() == 1


@pytest.fixture
def in_review(learner, pages, django_capture_on_commit_callbacks):
    credential = CredentialFactory()
    assessor = make_assessor(credential=credential)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit_for_review(learner=learner, credential=credential)
    return submission, assessor


def test_the_assessor_sees_results_and_check_time_and_can_run_it_again(
    client, in_review, django_capture_on_commit_callbacks
):
    submission, assessor = in_review
    client.force_login(assessor)
    review_url = reverse("assessments:review", kwargs={"uuid": submission.uuid})
    page = client.get(review_url).content.decode()
    assert "Completeness pre-check" in page
    assert "Files and links checked" in page
    assert "could not be found" in page  # the factory's link has no such host
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("assessments:review_recheck", kwargs={"uuid": submission.uuid})
        )
    assert response.status_code == 302
    assert response["Location"].endswith("#precheck")
    triggers = list(
        Precheck.objects.filter(submission=submission).values_list("trigger", flat=True)
    )
    assert sorted(triggers) == ["recheck", "submit"]


@pytest.mark.parametrize("who", ["other_assessor", "learner", "anonymous"])
def test_nobody_else_can_run_the_check_again(client, in_review, who):
    submission, assessor = in_review
    if who == "other_assessor":
        client.force_login(make_assessor(credential=submission.credential))
    elif who == "learner":
        client.force_login(submission.learner)
    response = client.post(reverse("assessments:review_recheck", kwargs={"uuid": submission.uuid}))
    assert response.status_code == 404
    assert Precheck.objects.filter(submission=submission, trigger="recheck").count() == 0


def test_the_learner_cannot_ask_for_a_check_of_someone_elses_application(other_client, draft):
    data = page_data(draft, action="check")
    assert other_client.post(draft.get_absolute_url(), data).status_code == 404
    assert not Precheck.objects.exists()
