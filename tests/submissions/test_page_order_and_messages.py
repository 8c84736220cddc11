"""Parts read 1, 2, 3, 4 everywhere; each error is said once and leads to its field."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentials.models import Part, Prompt
from submissions import services
from tests.assessments.factories import submit_for_review
from tests.credentials.factories import CredentialFactory
from tests.submissions.factories import page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential():
    credential = CredentialFactory(with_content=True)
    Prompt.objects.create(
        credential=credential, part=Part.EVIDENCE, position=1, text="Explain your evidence."
    )
    return credential


@pytest.fixture
def draft(learner, credential):
    return services.submission_apply(learner=learner, credential=credential)[0]


def positions(page: str, needles: list[str]) -> list[int]:
    return [page.index(needle) for needle in needles]


def test_read_only_page_shows_the_parts_in_order_with_evidence_in_part_2(
    learner, learner_client, credential
):
    submission = submit_for_review(learner=learner, credential=credential)

    page = learner_client.get(submission.get_absolute_url()).content.decode()

    headings = re.findall(r'<h2 id="part-\d-heading">([^<]+)</h2>', page)
    assert headings == [
        "Part 1: Overview",
        "Part 2: Evidence",
        "Part 3: Reflection",
        "Part 4: Reflection on impact",
    ]
    part_2 = page[page.index('id="part-2-heading"') : page.index('id="part-3-heading"')]
    assert "lesson-plan.pdf" in part_2 and "Lesson video" in part_2
    assert "Explain your evidence." in part_2


def test_submit_problems_are_listed_in_page_order(learner_client, draft):
    data = page_data(draft, text="", action="submit")

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 422
    page = response.content.decode()
    problems = page[page.index('id="problems"') :]
    problems = problems[: problems.index("</ul>")]
    order = positions(
        problems,
        [
            "Part 1: “Describe your teaching context.”",
            "Part 2: add a file or a link for “Lesson plan”",
            "Part 2: “Explain your evidence.”",
            "Part 3: “What did you learn?”",
            "Part 4: “What was the impact on students?”",
            "Confirm:",
        ],
    )
    assert order == sorted(order)


def test_a_refused_link_is_explained_once(learner_client, draft):
    data = page_data(draft, link_title="Video", link_url="ftp://example.org/video")

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.status_code == 422
    assert response.content.decode().count("starts with http:// or https://") == 1


def test_a_link_without_a_title_is_explained_once(learner_client, draft):
    data = page_data(draft, link_url="https://example.org/video")

    response = learner_client.post(draft.get_absolute_url(), data)

    assert response.content.decode().count("Give the link a title") == 1


def test_an_upload_error_message_links_to_the_file_field(learner_client, draft):
    fake = SimpleUploadedFile("lesson.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")

    response = learner_client.post(draft.get_absolute_url(), page_data(draft, files=[fake]))

    page = response.content.decode()
    assert "see below" not in page
    notice = re.search(r'<div class="alert alert-warning"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Some items need your attention" in notice
    assert '<a href="#id_files">Add files</a>' in notice
    assert 'id="id_files"' in page  # the link leads somewhere


def test_an_answer_over_its_limit_is_linked_from_the_notice(learner_client, draft):
    limited = draft.responses.get(word_limit=50)
    data = page_data(draft)
    data[f"response_{limited.pk}"] = " ".join(["word"] * 60)

    response = learner_client.post(draft.get_absolute_url(), data)

    notice = re.search(
        r'<div class="alert alert-warning"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    assert f'<a href="#{limited.anchor}">Describe your teaching context.</a>' in notice.group(1)
