"""Completing a stack issues its award once: an Open Badges 3.0 credential
and a CLR 2.0 record embedding the member credentials, both verifying."""

import json

from badges import verifier
from programs.models import StackAward
from programs.stacks import progress_for
from tests.badges.factories import award_row


def test_the_third_award_issues_the_stack_award_with_its_clr(
    django_capture_on_commit_callbacks, learner, stack, members
):
    for credential in members[:2]:
        with django_capture_on_commit_callbacks(execute=True):
            award_row(learner=learner, credential=credential)
    [progress] = progress_for(learner, [stack])
    assert (progress.counted, progress.needed) == (2, 3)
    assert progress.next_member.credential == members[2]
    assert not StackAward.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        award_row(learner=learner, credential=members[2])

    award = StackAward.objects.get(stack=stack, learner=learner)
    ob3 = json.loads(award.ob3_json)
    assert ob3["credentialSubject"]["achievement"]["name"] == "Assessment for Learning"
    assert ob3["credentialSubject"]["creditsEarned"] == 15.0
    clr = json.loads(award.clr_json)
    assert clr["type"] == ["VerifiableCredential", "ClrCredential"]
    embedded = clr["credentialSubject"]["verifiableCredential"]
    assert {c["name"] for c in embedded} == {
        "Assessment for Learning",
        "Questioning",
        "Feedback",
        "Peer review",
    }
    assert all("proof" in c for c in embedded)
    assert len(clr["credentialSubject"]["association"]) == 3
    assert learner.email not in award.clr_json

    for text in (award.ob3_json, award.ob3_jwt, award.clr_json, award.clr_jwt):
        report = verifier.verify(text=text)
        assert report.passed, [c for c in report.checks if not c.passed]


def test_a_changed_clr_fails_verification(
    django_capture_on_commit_callbacks, learner, stack, members
):
    for credential in members:
        with django_capture_on_commit_callbacks(execute=True):
            award_row(learner=learner, credential=credential)
    award = StackAward.objects.get()
    clr = json.loads(award.clr_json)
    clr["credentialSubject"]["verifiableCredential"].pop()
    report = verifier.verify(text=json.dumps(clr))
    assert not report.passed
    assert [c.passed for c in report.checks if c.key == "signature"] == [False]


def test_a_revoked_stack_award_fails_verification_in_both_forms(
    django_capture_on_commit_callbacks, learner, learner_client, stack, members
):
    from django.urls import reverse

    from programs.services.stacks import stack_award_revoke

    for credential in members:
        with django_capture_on_commit_callbacks(execute=True):
            award_row(learner=learner, credential=credential)
    award = StackAward.objects.get()
    stack_award_revoke(award_id=award.pk, reason="Issued in error", actor=None)
    for text in (award.ob3_jwt, award.clr_json):
        report = verifier.verify(text=text)
        assert [c.passed for c in report.checks if c.key == "not_revoked"] == [False]
    page = learner_client.get(reverse("stacks:award", args=[award.uuid])).content.decode()
    assert "revoked this stack award" in page
