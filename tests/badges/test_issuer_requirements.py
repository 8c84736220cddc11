"""An organization issues only with the issuer profile Open Badges requires."""

import pytest

from assessments.models import Award
from badges.exceptions import BadgeError
from badges.models import IssuedBadge
from credentials.models import Organization
from tests.badges.factories import award_row, decided_award


def test_an_organization_without_a_valid_contact_email_cannot_issue(learner, credential):
    # The database refuses an empty email; an address that is not one gets this far.
    Organization.objects.filter(pk=credential.organization_id).update(email="not an address")
    credential.organization.refresh_from_db()
    with pytest.raises(BadgeError, match="needs a valid contact email"):
        decided_award(learner=learner, credential=credential)
    # The award rolled back with the badge: no award without its credential.
    assert not Award.objects.filter(learner=learner).exists()
    assert not IssuedBadge.objects.exists()


def test_a_valid_contact_email_is_published_in_both_issuer_profiles(client, learner, credential):
    badge = award_row(learner=learner, credential=credential).badge
    org = credential.organization
    assert client.get(f"/badges/issuers/{org.uuid}/profile.json").json()["email"] == org.email
    assert client.get(f"/badges/issuers/{org.uuid}/issuer.json").json()["email"] == org.email
    assert badge.ob3_json.count(org.email) == 1
