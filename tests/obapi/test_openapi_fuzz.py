"""A property-based client (schemathesis) runs every operation of the API's own
service description document against a live server with a token holding every
scope, sending generated and malformed input: no answer may be a server error,
and every answer must be one the document describes."""

import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from obapi.openapi import service_description
from tests.obapi.oauth import ALL_SCOPES

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_generated_request_gets_a_server_error(live_server, learner, tmp_path, settings):
    settings.SITE_URL = live_server.url
    app = Application.objects.create(
        name="Fuzzer",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://fuzz.example/cb",
    )
    AccessToken.objects.create(
        user=learner,
        application=app,
        token="fuzz-token-with-every-scope",
        scope=ALL_SCOPES,
        expires=timezone.now() + timedelta(hours=1),
    )
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(service_description()))
    cli = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(  # noqa: S603 - our own test tool, fixed arguments
        [
            str(cli),
            "run",
            str(schema),
            "--url",
            f"{live_server.url}/ims/ob/v3p0",
            "-H",
            "Authorization: Bearer fuzz-token-with-every-scope",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance",
            "--max-examples",
            "25",
            "--seed",
            "1",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "5 selected / 5 total" in result.stdout
    cases = re.search(r"generated, (\d+) passed", result.stdout)
    assert cases and int(cases.group(1)) >= 100, result.stdout[-3000:]
