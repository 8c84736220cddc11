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
def _no_outside_names(monkeypatch):
    """No test reaches the internet: a host name other than localhost does not resolve
    (evidence links such as https://video.example.org/ are then "not found" at once).
    Tests of the fetcher replace the resolver themselves."""
    import ipaddress
    import socket

    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        try:
            ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            if name and name != "localhost" and not name.endswith(".localhost"):
                raise socket.gaierror(
                    socket.EAI_NONAME, f"{name} is not resolved in tests"
                ) from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


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


@pytest.fixture
def redis_celery_worker():
    """A real Celery worker in a thread, consuming a queue of its own on the Redis broker.

    The test settings already point the broker at REDIS_URL when it is set; the
    private queue keeps other runs sharing that Redis from taking these tasks.
    """
    import os
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs a Redis broker (set REDIS_URL)")
    queue = f"test-{uuid.uuid4().hex}"
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
            yield app
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
