"""allauth's rate limits live in the shared cache (Redis in production) and count
the real client address behind the configured number of proxies."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.production_env import PRODUCTION_ENV

BASE_DIR = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"

pytestmark = pytest.mark.django_db


def _login(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def _production(names, **env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_failed_logins_are_counted_in_the_cache_and_the_limit_is_announced(client):
    UserFactory(email="target@example.org")
    for _ in range(5):
        _login(client, "target@example.org", "guess-again")

    blocked = _login(client, "target@example.org", PASSWORD)
    assert TOO_MANY in blocked.content.decode()
    assert "_auth_user_id" not in client.session

    # The counters are cache entries: without them the right password works again.
    cache.clear()
    assert _login(client, "target@example.org", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_with_redis_url_the_counters_are_in_redis(client, settings):
    import redis
    from django.core.cache.backends.redis import RedisCache

    assert isinstance(caches["default"], RedisCache)
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.FailOpenRedisCache"
    UserFactory(email="counted@example.org")
    _login(client, "counted@example.org", "guess-again")

    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    keys = [
        k.decode() for k in server.scan_iter(match="*allauth:rl:allauth.account:login_failed:*")
    ]
    assert any(k.endswith("/ip:ip:127.0.0.1") for k in keys)
    assert any("/key:" in k for k in keys)


def test_behind_a_proxy_each_client_address_has_its_own_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    for n in range(3):
        _login(client, f"nobody{n}@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.7")

    limited = _login(client, "other@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert TOO_MANY in limited.content.decode()
    # A client spoofing an extra hop is still counted by the address the proxy saw.
    spoofed = _login(
        client, "other@example.org", "x", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    assert TOO_MANY in spoofed.content.decode()
    elsewhere = _login(client, "other@example.org", "x", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert TOO_MANY not in elsewhere.content.decode()


def test_production_limits_use_redis_and_read_the_proxy_count():
    values = _production(
        ["CACHES", "ALLAUTH_TRUSTED_PROXY_COUNT", "ACCOUNT_PREVENT_ENUMERATION"],
        ALLAUTH_TRUSTED_PROXY_COUNT="2",
    )
    assert values["CACHES"]["default"]["BACKEND"] == "config.cache.FailOpenRedisCache"
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    assert values["ACCOUNT_PREVENT_ENUMERATION"] is True
