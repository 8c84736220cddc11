"""Production settings pass Django's deployment checks.

The checks run in a fresh process with only the variables production needs,
so nothing from the test settings or the developer's shell leaks in.
"""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "credentials.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://credentials.example.org",
        # Nothing connects during the checks; the URLs only have to parse.
        "DATABASE_URL": "postgres://app:app@127.0.0.1:5432/microcredentials",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "AWS_STORAGE_BUCKET_NAME": "evidence",
        "STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(12),
        "BADGES_KEY_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def run_deploy_check(env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks():
    result = run_deploy_check(production_env())

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in output
    assert "security.W" not in output


def test_deploy_check_fails_on_a_weak_secret_key():
    # Proves the check above would catch a warning: a short key is one.
    result = run_deploy_check(production_env(DJANGO_SECRET_KEY="too-short"))

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_its_secret_key():
    result = run_deploy_check(production_env(DJANGO_SECRET_KEY=None))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PRESIGNED_ORIGIN = """
import json
from urllib.parse import urlsplit

import django

django.setup()
from django.conf import settings
from django.core.files.storage import storages

url = urlsplit(storages["evidence"].url("preview.png"))
print(json.dumps({
    "origin": f"{url.scheme}://{url.netloc}",
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


@pytest.mark.parametrize("endpoint", [None, "http://s3:9000"])
def test_policy_lets_evidence_previews_load_from_their_presigned_urls(endpoint):
    env = production_env(
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY=secrets.token_hex(20),
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRESIGNED_ORIGIN],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)

    assert found["origin"] in found["img_src"]
    assert found["img_src"][:2] == ["'self'", "data:"]


@pytest.mark.parametrize(
    "variable",
    ["DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "DJANGO_ALLOWED_HOSTS"],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_production_refuses_to_start_with_a_blank_variable_and_names_it(variable, blank):
    result = run_deploy_check(production_env(**{variable: blank}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Set the {variable} environment variable" in result.stderr
    assert "KeyError" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "nonsense://db.example.org/app"), ("REDIS_URL", "cache.example.org:6379")],
)
def test_production_refuses_a_url_it_cannot_use_and_names_the_variable(variable, value):
    result = run_deploy_check(production_env(**{variable: value}))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_demo_data_with_its_published_password_is_refused_under_production_settings():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "seed_demo", "--skip-checks"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "it does not run with production settings" in result.stderr
    # Refused before any database work (nothing listens at this DATABASE_URL).
    assert "OperationalError" not in result.stderr
