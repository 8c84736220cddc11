import pytest
from django.utils import timezone

from credentials import services
from credentials.models import Favorite
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db


def test_toggle_adds_then_removes_a_favorite(learner):
    credential = CredentialFactory(with_content=False)

    assert services.favorite_toggle(user=learner, credential=credential) is True
    assert Favorite.objects.filter(user=learner, credential=credential).count() == 1

    assert services.favorite_toggle(user=learner, credential=credential) is False
    assert not Favorite.objects.filter(user=learner, credential=credential).exists()


def test_setting_the_same_state_twice_changes_nothing(learner):
    credential = CredentialFactory(with_content=False)

    assert services.favorite_set(user=learner, credential=credential, favorite=True)
    assert services.favorite_set(user=learner, credential=credential, favorite=True)
    assert Favorite.objects.filter(user=learner, credential=credential).count() == 1

    assert not services.favorite_set(user=learner, credential=credential, favorite=False)
    assert not services.favorite_set(user=learner, credential=credential, favorite=False)
    assert not Favorite.objects.exists()


def test_losing_an_insert_race_still_reports_a_favorite(learner, monkeypatch):
    """The unique constraint settles two concurrent adds; the loser must not crash."""
    from django.db import IntegrityError

    credential = CredentialFactory(with_content=False)
    Favorite.objects.create(user=learner, credential=credential)

    def racing_get_or_create(**kwargs):
        raise IntegrityError("unique_favorite")

    monkeypatch.setattr(Favorite.objects, "get_or_create", racing_get_or_create)

    assert services.favorite_set(user=learner, credential=credential, favorite=True) is True
    assert Favorite.objects.filter(user=learner, credential=credential).count() == 1


def test_favorites_are_per_user(learner, other_learner):
    credential = CredentialFactory(with_content=False)
    services.favorite_toggle(user=learner, credential=credential)

    assert services.favorite_toggle(user=other_learner, credential=credential) is True
    assert Favorite.objects.count() == 2


def test_publish_records_the_time_once(staff_user):
    credential = CredentialFactory(is_published=False, with_content=False)

    services.credential_publish(credential=credential, actor=staff_user)
    credential.refresh_from_db()
    first_published_at = credential.published_at
    assert credential.is_published
    assert first_published_at is not None
    assert first_published_at <= timezone.now()

    services.credential_publish(credential=credential, actor=staff_user)
    credential.refresh_from_db()
    assert credential.published_at == first_published_at


def test_unpublish_clears_publication_and_is_safe_to_repeat(staff_user):
    credential = CredentialFactory(with_content=False)
    services.credential_publish(credential=credential, actor=staff_user)

    returned = services.credential_unpublish(credential=credential, actor=staff_user)
    assert returned.is_published is False
    services.credential_unpublish(credential=credential, actor=staff_user)

    credential.refresh_from_db()
    assert not credential.is_published
    assert credential.published_at is None
