"""TrustEd Application Microcredentials: a credential with every element of the
framework's minimum metadata is tagged so in the badges it issues (achievementType
stays MicroCredential), the award page says so with what it rests on, and staff
see on the credential's admin page which element a credential still lacks."""

import html
import json

import pytest

from badges import documents, schema
from badges.models import AchievementAlignment
from tests.badges.factories import award_row

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

TAG = "TrustEd Application Microcredential"


def align(credential) -> AchievementAlignment:
    return AchievementAlignment.objects.create(
        credential=credential,
        target_type="CFItem",
        target_name="Uses formative assessment",
        target_url="https://case.example.org/uri/6b1c-42",
        target_code="FA.1",
    )


def achievement_of(badge) -> dict:
    return json.loads(badge.ob3_json)["credentialSubject"]["achievement"]


def test_a_credential_with_every_element_is_issued_as_a_trusted_application_microcredential(
    client, learner, credential
):
    align(credential)
    badge = award_row(learner=learner, credential=credential).badge
    achievement = achievement_of(badge)
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["tag"] == [TAG]
    assert (
        "**Evidence.** Earners submit evidence of their own work:\n- Lesson plan"
        in (achievement["criteria"]["narrative"])
    )
    # Still a valid, verifiable Open Badges 3.0 credential in both forms.
    assert schema.credential_problems(json.loads(badge.ob3_json)) == []
    for text in (badge.ob3_json, badge.ob3_jwt):
        report = client.post("/badges/verify/api/", {"credential": text}).json()
        assert report["verified"] is True, report
    published = client.get(f"/badges/credentials/{credential.uuid}/achievement.json").json()
    assert published["tag"] == [TAG]

    page = html.unescape(client.get(f"/badges/{badge.award.uuid}/").content.decode())
    assert f'<h2 id="trusted-heading">{TAG}</h2>' in page
    assert "Evidence of the earner’s work</strong>: Lesson plan</li>" in page
    assert "A rubric of 2 criteria, each of which had to be met: Context; Reflection" in page
    assert "Aligned to</strong>: Uses formative assessment</li>" in page
    assert "badges@northfield.example.org" in page


def test_a_credential_without_an_external_alignment_is_not_marked(client, learner, credential):
    badge = award_row(learner=learner, credential=credential).badge
    achievement = achievement_of(badge)
    assert "tag" not in achievement
    assert achievement["achievementType"] == "MicroCredential"
    page = client.get(f"/badges/{badge.award.uuid}/").content.decode()
    assert TAG not in page


def test_a_credential_without_required_evidence_is_not_marked(learner, credential):
    align(credential)
    credential.evidence_requirements.update(required=False)
    badge = award_row(learner=learner, credential=credential).badge
    assert "tag" not in achievement_of(badge)


def test_staff_see_which_element_is_missing_on_the_credentials_admin_page(staff_client, credential):
    url = f"/admin/credentials/microcredential/{credential.pk}/change/"
    page = html.unescape(staff_client.get(url).content.decode())
    assert "TrustEd Application Microcredential" in page
    assert (
        "No: missing an alignment to a skills or competency framework "
        "(Badges: Achievement alignments)."
    ) in page

    credential.evidence_requirements.all().delete()
    page = html.unescape(staff_client.get(url).content.decode())
    assert "evidence of the learner's work: at least one required piece" in page

    align(credential)
    credential.evidence_requirements.create(title="Student work", position=2)
    page = html.unescape(staff_client.get(url).content.decode())
    assert "Yes: badges issued from now on are tagged TrustEd Application" in page
    # The page stays read-only about it: there is no field to set the classification.
    assert 'name="trusted"' not in page


def test_an_issuer_without_contact_email_misses_that_element(credential):
    credential.organization.email = ""
    basis = documents.trusted_application(
        credential,
        [documents.Criterion(id=1, title="Context")],
        [documents.AlignmentTarget(target_type="CFItem", name="FA", url="https://x.example/1")],
    )
    assert basis.meets is False
    assert basis.missing == ["issuer_contact"]


def test_the_page_shows_what_the_issued_credential_carries_not_later_edits(
    client, learner, credential
):
    align(credential)
    badge = award_row(learner=learner, credential=credential).badge
    AchievementAlignment.objects.filter(credential=credential).delete()
    credential.evidence_requirements.update(title="Renamed later")
    page = html.unescape(client.get(f"/badges/{badge.award.uuid}/").content.decode())
    assert TAG in page
    assert "Lesson plan" in page and "Renamed later" not in page
