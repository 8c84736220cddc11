"""A learner is warned, beside the link, when an evidence link's address may
tell a blind reviewer who they are."""

from types import SimpleNamespace

import pytest

from submissions import services
from submissions.privacy import link_identity_reasons
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory

LENA = SimpleNamespace(name="Lena Alvarez", email="lalvarez@lincoln.k12.example")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "https://lincoln-my.sharepoint.com/personal/lena_alvarez_lincoln_k12_example/"
            "Documents/plan.docx",
            "your name",
        ),
        ("https://www.linkedin.com/in/lena-alvarez-1234/", "your name"),
        ("https://lenaalvarez.example.net/portfolio", "your name"),
        ("https://forms.example.org/view?email=lalvarez%40lincoln.k12.example", "your email"),
        ("https://drive.example.org/share?owner=j.doe@school.example", "an email address"),
        ("https://www.youtube.com/@MrsTeachesScience", "person's profile"),
        ("https://example.edu/~jdoe/lesson.html", "person's profile"),
        ("https://example.org/users/jdoe/files/plan", "person's profile"),
    ],
)
def test_addresses_that_may_name_someone_are_flagged(url, reason):
    reasons = link_identity_reasons(url, learner=LENA)
    assert any(reason in r for r in reasons), reasons


@pytest.mark.parametrize(
    "url",
    [
        "https://youtu.be/dQw4w9WgXcQ",
        "https://drive.google.com/file/d/1AbCdEf/view?usp=sharing",
        "https://docs.google.com/document/u/0/d/1AbCdEf/edit",
        "https://video.example.org/lesson",
    ],
)
def test_share_links_without_a_name_are_not_flagged(url):
    assert link_identity_reasons(url, learner=LENA) == []


def _draft_with_link(url: str, *, blind: bool):
    learner = UserFactory(name="Lena Alvarez", email="lena@example.org")
    credential = CredentialFactory()
    credential.organization.blind_review = blind
    credential.organization.save()
    draft, _ = services.submission_apply(learner=learner, credential=credential)
    services.draft_save(
        submission=draft,
        actor=learner,
        version=draft.version,
        changes=services.DraftChanges(
            new_link={"title": "My lesson", "url": url, "requirement": None}
        ),
    )
    return learner, draft


@pytest.mark.django_db
@pytest.mark.parametrize("blind", [True, False])
def test_the_application_page_warns_beside_a_link_carrying_the_learners_name(client, blind):
    """Only under blind review: otherwise the assessor sees the learner's name anyway."""
    learner, draft = _draft_with_link(
        "https://www.linkedin.com/in/lena-alvarez/details/projects/", blind=blind
    )
    client.force_login(learner)

    page = client.get(draft.get_absolute_url()).content.decode()

    warned = "This address may tell the assessor who you are: it contains your name" in page
    assert warned is blind
