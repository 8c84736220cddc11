"""A stack member may be an Open Badge of another issuer, named by its
achievement id: the learner hands it over, the verifier checks it, and only
a verified one counts."""

import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse

from badges import data_integrity
from core.errors import UserFacingError
from programs.models import ExternalAchievement, StackAward, StackRule
from programs.services.stacks import (
    external_achievement_accept,
    stack_create,
    stack_member_add,
)
from programs.stacks import progress_for
from tests.badges.factories import award_row

ACHIEVEMENT = "https://elsewhere.example/achievements/classroom-talk"


def outside_badge(achievement_id=ACHIEVEMENT) -> dict:
    """An Open Badges 3.0 credential signed by another issuer's did:key."""
    private = Ed25519PrivateKey.generate()
    multikey = data_integrity.multikey(private.public_key())
    did = f"did:key:{multikey}"
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Classroom Talk",
        "issuer": {"id": did, "type": ["Profile"], "name": "Elsewhere Academy"},
        "validFrom": "2026-01-05T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": "Classroom Talk",
                "description": "Structures classroom discussion.",
                "criteria": {"narrative": "Evidence of structured talk."},
            },
        },
    }
    return data_integrity.sign(
        document,
        private_key=private,
        verification_method=f"{did}#{multikey}",
        created="2026-01-05T00:00:00Z",
    )


@pytest.fixture
def mixed_stack(organization, members):
    stack = stack_create(
        organization=organization,
        title="Talk and Feedback",
        slug="talk-and-feedback",
        rule=StackRule.REQUIRED_ELECTIVES,
        count=1,
        actor=None,
    )
    stack_member_add(
        stack=stack,
        achievement_id=ACHIEVEMENT,
        external_name="Classroom Talk",
        required=True,
        actor=None,
    )
    for credential in members[:2]:
        stack_member_add(stack=stack, credential=credential, actor=None)
    return stack


def test_a_verified_outside_badge_completes_the_stack(
    django_capture_on_commit_callbacks, learner, learner_client, mixed_stack, members
):
    with django_capture_on_commit_callbacks(execute=True):
        award_row(learner=learner, credential=members[0])
    [progress] = progress_for(learner, [mixed_stack])
    assert not progress.complete
    assert str(progress.next_member) == "Classroom Talk"

    response = learner_client.post(
        reverse("stacks:external", args=[mixed_stack.slug]),
        {"credential": json.dumps(outside_badge())},
        follow=True,
    )
    assert "Classroom Talk verified and counted." in response.content.decode()
    award = StackAward.objects.get(stack=mixed_stack, learner=learner)
    clr = json.loads(award.clr_json)
    names = {c["name"] for c in clr["credentialSubject"]["verifiableCredential"]}
    assert names == {"Talk and Feedback", "Questioning", "Classroom Talk"}


def test_a_tampered_or_unrelated_badge_does_not_count(learner, mixed_stack):
    tampered = outside_badge()
    tampered["credentialSubject"]["achievement"]["name"] = "Something else"
    with pytest.raises(UserFacingError, match="did not verify"):
        external_achievement_accept(learner=learner, text=json.dumps(tampered))
    unrelated = outside_badge("https://elsewhere.example/achievements/other")
    with pytest.raises(UserFacingError, match="No stack here counts"):
        external_achievement_accept(learner=learner, text=json.dumps(unrelated))
    assert not ExternalAchievement.objects.exists()
