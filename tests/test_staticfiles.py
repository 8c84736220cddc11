"""Static files in production: collected with content-hashed names, compressed,
and served by whitenoise with a far-future cache lifetime."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from tests.production_env import PRODUCTION_ENV

BASE_DIR = Path(__file__).resolve().parent.parent
MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_serves_static_files_through_whitenoise_with_hashed_names():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; print(json.dumps("
            "[settings.STORAGES['staticfiles']['BACKEND'], settings.MIDDLEWARE]))",
        ],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    backend, middleware = json.loads(result.stdout)
    assert backend == MANIFEST_STORAGE
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in middleware


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


def test_collectstatic_writes_hashed_and_compressed_app_css(collected):
    hashed = [p.name for p in (collected / "css").glob("app.*.css")]
    assert len(hashed) == 1 and re.fullmatch(r"app\.[0-9a-f]{12}\.css", hashed[0])
    assert (collected / "css" / f"{hashed[0]}.gz").exists()
    manifest = json.loads((collected / "staticfiles.json").read_text())
    assert manifest["paths"]["css/app.css"] == f"css/{hashed[0]}"
    assert static("css/app.css") == f"/static/css/{hashed[0]}"


@pytest.mark.django_db
def test_whitenoise_serves_the_hashed_file_with_a_long_cache_lifetime(collected):
    url = static("css/app.css")
    response = Client().get(url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert "max-age=315360000" in response["Cache-Control"]
