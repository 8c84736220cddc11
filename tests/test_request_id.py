"""Every request gets an id: on the response, and on the log lines it causes."""

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from config.request_id import JsonFormatter, RequestIdFilter, request_id
from tests.production_env import PRODUCTION_ENV

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_a_request_without_an_id_gets_a_fresh_uuid(client):
    first = client.get("/credentials/")["X-Request-ID"]
    second = client.get("/credentials/")["X-Request-ID"]
    assert uuid.UUID(first).version == 4
    assert first != second


def test_the_proxy_id_is_kept_when_it_is_a_plain_token(client):
    response = client.get("/credentials/", HTTP_X_REQUEST_ID="edge-7f3a.42:1")
    assert response["X-Request-ID"] == "edge-7f3a.42:1"


@pytest.mark.parametrize("sent", ["two words", "a\nfake log line", "x" * 200, "<script>", ""])
def test_an_unsafe_incoming_id_is_replaced(client, sent):
    response = client.get("/credentials/", HTTP_X_REQUEST_ID=sent)
    assert uuid.UUID(response["X-Request-ID"]).version == 4


def test_log_records_during_a_request_carry_its_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-abc-123")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc-123"
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "req-abc-123"
    # Outside a request the id is back to the placeholder.
    assert request_id.get() == "-"


def test_json_formatter_writes_one_line_with_the_request_id_and_the_exception():
    token = request_id.set("req-json-1")
    try:
        try:
            1 / 0  # noqa: B018
        except ZeroDivisionError:
            record = logging.getLogger("payments").makeRecord(
                "payments",
                logging.ERROR,
                __file__,
                1,
                "charge %s failed",
                ("ch_1",),
                sys.exc_info(),
            )
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "payments"
    assert entry["message"] == "charge ch_1 failed"
    assert entry["request_id"] == "req-json-1"
    assert entry["time"].endswith("+00:00")
    assert "ZeroDivisionError" in entry["exception"]


def test_production_logs_are_json_lines():
    code = (
        "import django, logging; django.setup()\n"
        "try:\n    1 / 0\n"
        "except ZeroDivisionError:\n    logging.getLogger('submissions').exception('boom')\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    (entry,) = [e for e in lines if e["logger"] == "submissions"]
    assert entry["message"] == "boom"
    assert entry["request_id"] == "-"
    assert "ZeroDivisionError" in entry["exception"]
