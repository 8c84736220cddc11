import pytest
from django.db import IntegrityError

from accounts.models import User


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
