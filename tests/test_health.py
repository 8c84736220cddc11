"""Liveness and readiness endpoints."""

import threading
import time

import boto3
import pytest
from botocore.config import Config
from django.urls import reverse
from moto.server import ThreadedMotoServer

from config import health

BUCKET = "evidence-probe"


def test_liveness_answers_ok_without_touching_the_database(client):
    # No db fixture: pytest-django refuses any database access in this test.
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_liveness_is_at_the_root_path(client):
    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"


@pytest.mark.django_db
def test_readiness_reports_every_check_ok(client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "cache", "storage"}
    assert all(check["ok"] for check in body["checks"].values())
    assert all(check["ms"] < 1000 for check in body["checks"].values())


@pytest.mark.django_db
def test_readiness_names_an_unreachable_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 1 on loopback: nothing listens there, the connection is refused.
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert body["checks"]["database"]["ok"] is True


@pytest.fixture
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _s3_storage(endpoint_url, bucket=BUCKET):
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "access_key": "testing",
            "secret_key": "testing",  # noqa: S105
            "region_name": "us-east-1",
            "default_acl": "private",
            "querystring_auth": True,
            # Fail at once instead of retrying a refused connection.
            "client_config": Config(retries={"max_attempts": 1}, connect_timeout=1),
        },
    }


@pytest.mark.django_db
def test_readiness_reaches_evidence_on_s3(client, settings, s3_server):
    boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "evidence": _s3_storage(s3_server)}

    response = client.get(reverse("readyz"))

    assert response.status_code == 200, response.content
    assert response.json()["checks"]["storage"]["ok"] is True


@pytest.mark.django_db
def test_readiness_names_unreachable_storage(client, settings, s3_server):
    closed = s3_server.rsplit(":", 1)[0] + ":1"
    settings.STORAGES = {**settings.STORAGES, "evidence": _s3_storage(closed)}

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["storage"]
    assert body["checks"]["storage"] == {"ok": False, "error": "EndpointConnectionError"}


@pytest.mark.django_db
def test_readiness_answers_within_its_deadline_when_a_check_hangs(client, settings, monkeypatch):
    settings.READINESS_TIMEOUT_SECONDS = 0.2
    release = threading.Event()

    def hanging_database():
        release.wait(10)

    monkeypatch.setitem(health.CHECKS, "database", hanging_database)
    try:
        started = time.monotonic()
        response = client.get(reverse("readyz"))
        elapsed = time.monotonic() - started
    finally:
        release.set()

    assert response.status_code == 503
    assert elapsed < 1.5
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "error": "timeout"}
    assert body["checks"]["cache"]["ok"] is True
