"""Issuing races that only real concurrent database connections can show (PostgreSQL).

Each thread gets its own Django connection; a barrier releases them together.
"""

import pytest

from badges import services
from badges.models import IssuedBadge, IssuerKey, StatusList
from badges.verification import verify_token
from tests.accounts.factories import UserFactory
from tests.badges.factories import award_row
from tests.concurrency import postgres_only, race
from tests.credentials.factories import CredentialFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
    postgres_only,
]


@pytest.fixture
def awards_without_badges(monkeypatch):
    """Awards whose badges are not issued yet, so the test can issue them at once."""
    monkeypatch.setattr("badges.receivers.services.badge_issue", lambda **kwargs: None)
    credential = CredentialFactory(with_content=True)
    awards = [award_row(learner=UserFactory(), credential=credential) for _ in range(6)]
    monkeypatch.undo()
    return awards


def test_concurrent_awards_share_one_new_key_and_get_distinct_status_indexes(
    awards_without_badges,
):
    results = race(
        atomic=True,
        calls=[lambda a=award: services.badge_issue(award=a) for award in awards_without_badges],
    )

    assert all(isinstance(r, IssuedBadge) for r in results), results
    organization = awards_without_badges[0].credential.organization
    assert IssuerKey.objects.filter(organization=organization).count() == 1
    assert StatusList.objects.filter(organization=organization).count() == 1
    indexes = sorted(IssuedBadge.objects.values_list("status_index", flat=True))
    assert indexes == list(range(len(awards_without_badges)))
    assert all(verify_token(badge.ob3_jwt).passed for badge in IssuedBadge.objects.all())


def test_issuing_the_same_award_twice_at_once_makes_one_badge(awards_without_badges):
    award = awards_without_badges[0]
    results = race(atomic=True, calls=[lambda: services.badge_issue(award=award) for _ in range(3)])

    assert all(isinstance(r, IssuedBadge) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert IssuedBadge.objects.filter(award=award).count() == 1
