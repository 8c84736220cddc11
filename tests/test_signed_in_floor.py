"""What every signed-in page pays before its own content: the session is read
from the cache (and kept in the database too), templates are compiled once,
the cache client is not rebuilt for every call, and the Content Security
Policy header is built once."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from csp.constants import NONCE, SELF
from csp.utils import build_policy
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.cache import FailOpenRedisCache
from tests.production_env import PRODUCTION_ENV

BASE_DIR = Path(__file__).resolve().parent.parent
CACHED_DB = "django.contrib.sessions.backends.cached_db"

pytestmark = pytest.mark.django_db


def test_production_reads_sessions_from_the_cache_and_compiles_templates_once():
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.template import engines; "
        "loaders = engines['django'].engine.template_loaders; "
        "print(json.dumps([settings.SESSION_ENGINE, [type(l).__module__ for l in loaders]]))"
    )
    for module in ("config.settings.production", "config.settings.bench"):
        env = {**PRODUCTION_ENV, "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": module}
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-c", script],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        engine, loaders = json.loads(result.stdout.strip().splitlines()[-1])
        assert engine == CACHED_DB
        assert loaders == ["django.template.loaders.cached"]


def _session_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]


def test_a_signed_in_page_reads_its_session_from_the_cache(settings, client, learner):
    settings.SESSION_ENGINE = CACHED_DB
    client.force_login(learner)
    url = reverse("mfa_index")
    client.get(url)
    assert _session_queries(client, url) == []


def test_a_cleared_cache_signs_nobody_out(settings, client, learner):
    settings.SESSION_ENGINE = CACHED_DB
    client.force_login(learner)
    url = reverse("mfa_index")
    client.get(url)
    cache.clear()
    assert len(_session_queries(client, url)) == 1  # read back from the database
    assert _session_queries(client, url) == []


def test_signing_out_ends_the_session_in_the_cache_too(settings, client, learner):
    settings.SESSION_ENGINE = CACHED_DB
    client.force_login(learner)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post(reverse("account_logout"))
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # an old copy of the cookie
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_redis_cache_keeps_one_client_per_server():
    redis_cache = FailOpenRedisCache("redis://127.0.0.1:6379/15", {})
    client = redis_cache._cache
    assert client.get_client() is client.get_client()
    assert client.get_client(write=True) is client.get_client()


def _response_through_csp(response, path="/credentials/", nonce=False):
    from config.middleware import CSPMiddleware

    request = RequestFactory().get(path)
    middleware = CSPMiddleware(lambda request: response)
    middleware.process_request(request)
    if nonce:
        str(request.csp_nonce)
    return request, middleware(request)


def test_every_page_gets_the_policy_django_csp_builds():
    _request, response = _response_through_csp(HttpResponse("ok"))
    assert response["Content-Security-Policy"] == build_policy()
    _request, again = _response_through_csp(HttpResponse("ok"))
    assert again["Content-Security-Policy"] == build_policy()


def test_a_view_that_widens_its_policy_keeps_its_change():
    widened = HttpResponse("ok")
    widened._csp_update = {"form-action": ["https://wallet.example.org/"]}  # type: ignore[attr-defined]
    _request, response = _response_through_csp(widened)
    assert "https://wallet.example.org/" in response["Content-Security-Policy"]
    _request, plain = _response_through_csp(HttpResponse("ok"))
    assert "wallet.example.org" not in plain["Content-Security-Policy"]


def test_a_page_that_used_a_nonce_gets_the_policy_built_with_it(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": [SELF, NONCE]}}
    request, response = _response_through_csp(HttpResponse("ok"), nonce=True)
    policy = response["Content-Security-Policy"]
    assert policy == build_policy(nonce=request._csp_nonce)
    assert f"script-src 'self' 'nonce-{request._csp_nonce}'" in policy


def test_a_changed_policy_setting_is_used(settings):
    _response_through_csp(HttpResponse("ok"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    _request, response = _response_through_csp(HttpResponse("ok"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
