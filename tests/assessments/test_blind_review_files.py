"""Under blind review the assessor never learns who the learner is from a file:
files go by neutral names (page text, image alt text, download name) and
reach the assessor without the metadata that named or located the learner."""

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from PIL.PdfParser import PdfName, PdfParser

from tests.assessments.factories import submit_for_review
from tests.submissions import evidence_files as files

pytestmark = pytest.mark.django_db

PDF_NAME = "Lena_Alvarez_task_plan.pdf"
PHOTO_NAME = "Lena_Alvarez_classroom.jpg"


@pytest.fixture
def submission(frozen, learner, credential, assessor):
    return submit_for_review(
        learner=learner,
        credential=credential,
        files=[(PDF_NAME, files.pdf_with_author()), (PHOTO_NAME, files.jpeg_with_metadata())],
    )


def review_page(client, submission) -> str:
    response = client.get(reverse("assessments:review", kwargs={"uuid": submission.uuid}))
    assert response.status_code == 200
    return response.content.decode()


def download(client, attachment, *, inline=False) -> tuple[str, bytes]:
    url = attachment.get_absolute_url() + ("?inline=1" if inline else "")
    response = client.get(url)
    assert response.status_code == 200
    return response["Content-Disposition"], b"".join(response.streaming_content)


def test_blind_review_page_names_files_by_the_submission_id(submission, assessor_client):
    page = review_page(assessor_client, submission)
    pdf_name = f"{submission.reference}-evidence-1.pdf"
    photo_name = f"{submission.reference}-evidence-2.jpg"

    assert "Lena" not in page and "Alvarez" not in page
    assert f">{pdf_name}</a>" in page
    assert f'download="{pdf_name}"' in page
    assert f'alt="Preview of {photo_name}"' in page
    assert f'<span class="visually-hidden"> {pdf_name}</span>' in page


def test_assessor_downloads_files_under_neutral_names(submission, assessor_client):
    pdf, photo = submission.attachments.order_by("uploaded_at", "id")
    disposition, _ = download(assessor_client, pdf)
    assert disposition == f'attachment; filename="{submission.reference}-evidence-1.pdf"'
    disposition, _ = download(assessor_client, photo, inline=True)
    assert disposition == f'inline; filename="{submission.reference}-evidence-2.jpg"'


def test_the_learner_still_sees_their_own_file_names(submission, learner_client):
    pdf = submission.attachments.get(original_name=PDF_NAME)
    disposition, _ = download(learner_client, pdf)
    assert disposition == f'attachment; filename="{PDF_NAME}"'


def test_files_reach_the_assessor_without_author_artist_or_location(submission, assessor_client):
    pdf, photo = submission.attachments.order_by("uploaded_at", "id")

    _, body = download(assessor_client, pdf)
    assert b"Lena" not in body and "Lena".encode("utf-16-be") not in body
    assert PdfParser(buf=body).info[PdfName(b"Author")].strip() == b""

    _, body = download(assessor_client, photo)
    image = Image.open(io.BytesIO(body))
    assert 0x013B not in image.getexif()  # Artist
    assert image.getexif().get_ifd(0x8825) == {}  # GPS
    assert b"Lena" not in body


def test_open_review_shows_the_learners_file_names(submission, credential, assessor_client):
    credential.organization.blind_review = False
    credential.organization.save()
    page = review_page(assessor_client, submission)
    assert f">{PDF_NAME}</a>" in page
    pdf = submission.attachments.get(original_name=PDF_NAME)
    disposition, _ = download(assessor_client, pdf)
    assert disposition == f'attachment; filename="{PDF_NAME}"'


def test_stored_file_keys_do_not_carry_the_learners_file_name(submission):
    for attachment in submission.attachments.all():
        assert "Lena" not in attachment.file.name
        assert re.search(r"/evidence\.(pdf|jpg)$", attachment.file.name)
