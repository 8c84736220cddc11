import pytest
from django.db import IntegrityError

from accounts.models import User
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Ada@Example.ORG", "pw-123456789")
    assert user.email == "ada@example.org"
    assert User.USERNAME_FIELD == "email"
    assert user.check_password("pw-123456789")


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email():
    User.objects.create_user("ada@example.org", "pw-123456789")
    with pytest.raises(IntegrityError):
        User.objects.create_user("ADA@example.org", "pw-123456789")


@pytest.mark.django_db
def test_superuser_is_staff():
    admin = User.objects.create_superuser("root@example.org", "pw-123456789")
    assert admin.is_staff and admin.is_superuser


def test_the_user_by_primary_key_is_the_same_user_read_afresh(db):
    """``User.objects.get(pk=...)`` (what the authentication backends ask on
    every request) reads the row as it is now, and says when there is none."""
    user = UserFactory(email="kept@example.org", name="First Name")
    found = User.objects.get(pk=user.pk)
    assert (found.pk, found.email, found.name) == (user.pk, "kept@example.org", "First Name")
    User.objects.filter(pk=user.pk).update(name="Renamed", is_active=False)
    again = User.objects.get(pk=str(user.pk))  # as the session stores it
    assert (again.name, again.is_active) == ("Renamed", False)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=user.pk + 1000)
    assert User.objects.get(email="kept@example.org").pk == user.pk


def test_a_deactivated_user_is_signed_out_on_the_next_request(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/dashboard/").status_code == 302
