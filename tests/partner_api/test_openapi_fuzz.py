"""schemathesis runs every operation of the partner API's own OpenAPI
description against a live server with a token holding every scope: no
generated or malformed request may get a server error, and every answer must
be one the description lists."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from partner_api import services
from partner_api.api import api
from partner_api.models import Scope
from programs.cohort_models import PartnerRole
from programs.services import cohorts
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_generated_request_gets_a_server_error(live_server, tmp_path, settings):
    settings.PARTNER_API_RATE = "100000/m"
    credential = CredentialFactory(title="Questioning", slug="questioning")
    partner = cohorts.partner_create(
        organization=OrganizationFactory(name="Riverside", slug="riverside"),
        kind="district",
        actor=None,
    )
    admin = UserFactory(email="padmin@example.org")
    cohorts.partner_member_add(partner=partner, user=admin, role=PartnerRole.ADMIN, actor=None)
    cohorts.cohort_create(partner=partner, name="Fall", credentials=[credential], actor=None)
    _, secret = services.token_create(
        partner=partner, name="fuzz", scopes=list(Scope.values), actor=admin
    )
    schema = tmp_path / "openapi.json"
    schema.write_text(json.dumps(api.get_openapi_schema(path_prefix="/partner-api/v1")))
    cli = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(  # noqa: S603 - our own test tool, fixed arguments
        [
            str(cli),
            "run",
            str(schema),
            "--url",
            live_server.url,
            "-H",
            f"Authorization: Bearer {secret}",
            "--checks",
            "not_a_server_error",
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
    assert "6 selected / 6 total" in result.stdout, result.stdout[-3000:]
    cases = re.search(r"generated, (\d+) passed", result.stdout)
    assert cases and int(cases.group(1)) >= 50, result.stdout[-3000:]
