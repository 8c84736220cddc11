"""Shared fixtures: users of each role, logged-in clients, private storage in a
temporary folder, and Debian's chromium for the browser tests."""

import pytest

from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Every test writes evidence and media into its own temporary folders."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits live in the cache; each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def learner(db):
    return UserFactory(email="learner@example.org", name="Lee Learner")


@pytest.fixture
def other_learner(db):
    return UserFactory(email="other@example.org", name="Olive Other")


@pytest.fixture
def staff_user(db):
    return UserFactory(
        email="staff@example.org", name="Sam Staff", is_staff=True, is_superuser=True
    )


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def other_client(db, other_learner):
    from django.test import Client

    c = Client()
    c.force_login(other_learner)
    return c


@pytest.fixture
def staff_client(db, staff_user):
    from django.test import Client

    c = Client()
    c.force_login(staff_user)
    return c


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's chromium; it cannot download its own browsers here."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }
