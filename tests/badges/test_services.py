"""Issuing, keys, status lists, settings and revocation through the services."""

import datetime

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import mail

from assessments import services as assessment_services
from assessments.models import Award
from badges import services
from badges.exceptions import BadgeError, NotOwner
from badges.models import BadgeEvent, IssuedBadge, IssuerKey, StatusList, Visibility
from badges.verification import verify_token
from submissions.models import Status
from tests.accounts.factories import UserFactory
from tests.assessments.factories import all_met, make_assessor, submit_for_review
from tests.badges.factories import award_row, decided_award
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


def test_award_decision_issues_one_badge(award, learner, credential):
    badge = award.badge
    assert badge.award == award
    assert badge.signing_key.organization == credential.organization
    assert badge.status_index == 0
    assert badge.display_name == learner.name
    assert badge.visibility == Visibility.PUBLIC
    assert [e.kind for e in badge.events.all()] == [BadgeEvent.Kind.ISSUED]
    assert IssuerKey.objects.filter(organization=credential.organization).count() == 1


def test_issuing_again_returns_the_same_badge(award):
    again = services.badge_issue(award=award)
    assert again.pk == award.badge.pk
    assert IssuedBadge.objects.count() == 1


def test_a_failure_to_issue_rolls_back_the_award_decision(learner, credential, monkeypatch):
    assessor = make_assessor(credential=credential)
    submission = submit_for_review(learner=learner, credential=credential)

    def broken(**kwargs):
        raise RuntimeError("signing service unavailable")

    monkeypatch.setattr("badges.crypto.sign_jwt", broken)
    with pytest.raises(RuntimeError):
        assessment_services.review_decide(
            review_id=submission.review.pk,
            actor=assessor,
            outcome="awarded",
            scores=all_met(submission.review),
        )
    submission.refresh_from_db()
    assert submission.status == Status.IN_REVIEW
    assert not Award.objects.exists()
    assert not IssuedBadge.objects.exists()


def test_private_keys_are_encrypted_at_rest(badge):
    stored = badge.signing_key.private_key_encrypted
    assert "PRIVATE KEY" not in stored
    pem = Fernet(settings.BADGES_KEY_ENCRYPTION_KEY).decrypt(stored.encode())
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(stored.encode())
    assert "d" not in badge.signing_key.public_jwk


def test_rotation_signs_new_badges_with_a_new_key_and_old_ones_still_verify(
    client, badge, other_learner, credential, staff_user
):
    old_key = badge.signing_key
    (new_key,) = services.issuer_key_rotate(organization=credential.organization, actor=staff_user)
    old_key.refresh_from_db()
    assert old_key.retired_at is not None and new_key.is_active

    later = award_row(learner=other_learner, credential=credential).badge
    assert later.signing_key == new_key
    assert verify_token(badge.ob3_jwt).passed
    assert verify_token(later.ob3_jwt).passed

    jwks = client.get(f"/badges/issuers/{credential.organization.uuid}/jwks.json").json()
    kids = {key["kid"].rsplit("/", 1)[-1] for key in jwks["keys"]}
    assert kids == {f"{old_key.key_id}.json", f"{new_key.key_id}.json"}


def test_each_organization_signs_with_its_own_key(badge, other_learner):
    elsewhere = CredentialFactory(with_content=True)
    other = award_row(learner=other_learner, credential=elsewhere).badge
    assert other.signing_key.organization == elsewhere.organization
    assert other.signing_key != badge.signing_key
    assert other.status_list != badge.status_list
    assert other.status_index == 0


def test_status_indexes_are_unique_and_roll_over_to_a_new_list(learner, credential):
    first = award_row(learner=learner, credential=credential).badge
    StatusList.objects.filter(pk=first.status_list_id).update(size=2)
    second = award_row(learner=UserFactory(), credential=credential).badge
    third = award_row(learner=UserFactory(), credential=credential).badge
    assert (first.status_list.number, first.status_index) == (1, 0)
    assert (second.status_list.number, second.status_index) == (1, 1)
    assert (third.status_list.number, third.status_index) == (2, 0)
    assert verify_token(third.ob3_jwt).passed


def test_expiry_follows_the_credentials_validity_months(learner, organization):
    expiring = CredentialFactory(organization=organization, validity_months=12, with_content=True)
    awarded_at = datetime.datetime(2026, 1, 31, 15, 30, 12, 345, tzinfo=datetime.UTC)
    badge = award_row(learner=learner, credential=expiring, awarded_at=awarded_at).badge
    assert badge.valid_from == awarded_at.replace(microsecond=0)
    assert badge.valid_until == datetime.datetime(2027, 1, 31, 15, 30, 12, tzinfo=datetime.UTC)


def test_add_months_clamps_to_the_end_of_the_month():
    moment = datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.UTC)
    assert services.add_months(moment, 1) == moment.replace(month=2, day=28)
    assert services.add_months(moment, 13) == moment.replace(year=2027, month=2, day=28)
    assert services.add_months(moment, 25) == moment.replace(year=2028, month=2, day=29)
    assert services.add_months(moment, 11) == moment.replace(month=12)


def test_settings_change_only_by_the_earner(badge, learner, other_learner):
    with pytest.raises(NotOwner):
        services.badge_update_settings(
            badge_id=badge.pk, actor=other_learner, display_name="X", visibility="private"
        )
    updated = services.badge_update_settings(
        badge_id=badge.pk, actor=learner, display_name="  Lee   L. ", visibility="private"
    )
    assert (updated.display_name, updated.visibility) == ("Lee L.", Visibility.PRIVATE)
    with pytest.raises(BadgeError):
        services.badge_update_settings(
            badge_id=badge.pk, actor=learner, display_name="Lee", visibility="friends"
        )


def test_revocation_needs_a_reason(badge, staff_user):
    with pytest.raises(BadgeError):
        services.badge_revoke(badge_id=badge.pk, reason="   ", actor=staff_user)
    badge.refresh_from_db()
    assert not badge.is_revoked


def test_revocation_is_recorded_once_and_emails_the_learner_once(
    badge, staff_user, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.badge_revoke(badge_id=badge.pk, reason="Plagiarised evidence.", actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.badge_revoke(badge_id=badge.pk, reason="Another reason.", actor=staff_user)

    badge.refresh_from_db()
    assert badge.is_revoked
    assert badge.revocation_reason == "Plagiarised evidence."
    assert badge.revoked_by == staff_user
    assert badge.events.filter(kind=BadgeEvent.Kind.REVOKED).count() == 1
    revocation_mails = [m for m in mail.outbox if "revoked" in m.subject]
    assert len(revocation_mails) == 1
    assert revocation_mails[0].to == [learner.email]
    assert "Plagiarised evidence." in revocation_mails[0].body
    checks = {c.key: c.passed for c in verify_token(badge.ob3_jwt).checks}
    assert checks == {
        "issuer_key": True,
        "signature": True,
        "contents": True,
        "not_revoked": False,
        "not_expired": True,
    }


def test_an_award_after_a_revocation_takes_a_new_credential_and_status_index(
    badge, other_learner, credential, staff_user
):
    services.badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)
    again = decided_award(learner=other_learner, credential=credential).badge

    assert again.pk != badge.pk and again.uuid != badge.uuid
    assert again.status_index != badge.status_index
    assert verify_token(again.ob3_jwt).passed
    assert not verify_token(badge.ob3_jwt).passed


def test_awards_without_badges_are_backfilled(learner, credential, monkeypatch):
    monkeypatch.setattr("badges.receivers.services.badge_issue", lambda **kwargs: None)
    award = award_row(learner=learner, credential=credential)
    assert not IssuedBadge.objects.filter(award=award).exists()
    monkeypatch.undo()

    assert services.badge_issue_missing() == 1
    assert services.badge_issue_missing() == 0
    assert verify_token(IssuedBadge.objects.get(award=award).ob3_jwt).passed
