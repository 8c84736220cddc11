"""With Redis down, users' actions still succeed.

A private redis-server is started on a free port, the cache is pointed at it,
and it is shut down; signing in, resetting a password and fetching badge
images must then work (the cache answers from local memory), rate limits must
still count, and the readiness probe must still report the outage.
"""

import logging
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.badges.factories import decided_award
from tests.credentials.factories import CredentialFactory

REDIS_SERVER = shutil.which("redis-server")
TOO_MANY = "Too many failed login attempts"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs the redis-server binary"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, stopped on demand."""

    def __init__(self, workdir):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(  # noqa: S603
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def stopped_redis(settings, tmp_path):
    """The cache on a real Redis that has just been shut down."""
    server = PrivateRedis(tmp_path)
    try:
        settings.CACHES = {
            "default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": server.url}
        }
        cache.set("outage-probe", "stored in redis")
        assert redis.Redis.from_url(server.url).exists(":1:outage-probe")
        server.stop()
        yield server
    finally:
        server.stop()


def test_sign_in_works_with_redis_down_and_a_warning_is_logged(stopped_redis, caplog):
    user = UserFactory(email="teacher@example.org")
    client = Client()

    with caplog.at_level(logging.WARNING, logger="config.cache"):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    assert any("unreachable" in record.getMessage() for record in caplog.records)


def test_failed_sign_ins_are_still_limited_with_redis_down(stopped_redis):
    UserFactory(email="target@example.org")
    client = Client()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "x"})

    blocked = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": PASSWORD}
    )

    assert TOO_MANY in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_works_with_redis_down(stopped_redis):
    UserFactory(email="forgetful@example.org")

    response = Client().post(reverse("account_reset_password"), {"email": "forgetful@example.org"})

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["forgetful@example.org"]]


def test_badge_images_are_served_with_redis_down(learner, learner_client, stopped_redis):
    credential = CredentialFactory(with_content=True)
    award = decided_award(learner=learner, credential=credential)

    image = Client().get(reverse("badges:image", kwargs={"credential_uuid": credential.uuid}))
    baked = learner_client.get(reverse("badges:baked_png", kwargs={"award_uuid": award.uuid}))

    for response in (image, baked):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response.content.startswith(b"\x89PNG")


def test_readiness_still_reports_the_cache_outage(stopped_redis, client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]


def test_a_logout_during_an_outage_stays_a_logout_when_redis_returns_with_its_data(
    settings, tmp_path
):
    """Redis paused (not restarted) keeps the session it held: once it answers
    again, the session ended meanwhile must not be valid again."""
    import signal

    from config import cache as fail_open

    server = PrivateRedis(tmp_path)
    try:
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.CACHES = {
            "default": {
                "BACKEND": "config.cache.FailOpenRedisCache",
                "LOCATION": server.url,
                "OPTIONS": {
                    "socket_timeout": 0.3,
                    "socket_connect_timeout": 0.3,
                    "RETRY_AFTER": 0,
                },
            }
        }
        user = UserFactory(email="teacher@example.org")
        browser = Client()
        browser.force_login(user)
        cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
        assert redis.Redis.from_url(server.url).keys("*session*")

        server.process.send_signal(signal.SIGSTOP)
        try:
            assert browser.post(reverse("account_logout")).status_code == 302
        finally:
            server.process.send_signal(signal.SIGCONT)

        stolen = Client()
        stolen.cookies[settings.SESSION_COOKIE_NAME] = cookie
        response = stolen.get(reverse("dashboard:home"))

        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        assert not redis.Redis.from_url(server.url).keys("*session*")
    finally:
        fail_open._written_during_outage.clear()
        fail_open._unreachable_until.clear()
        server.stop()
