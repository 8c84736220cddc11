"""Test-mode payments are refused where real money is expected."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from payments.providers import StripeProvider, TestModeProvider, get_provider

BASE_DIR = Path(__file__).resolve().parents[2]
# Any other production secret: 32 url-safe base64 bytes suit Fernet keys too.
PLACEHOLDER = "cGxhY2Vob2xkZXItcGxhY2Vob2xkZXItcGxhY2Vob2w="

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "evidence",
}


def _start_production(**extra) -> subprocess.CompletedProcess:
    """Start Django with production settings, in a fresh process.

    Other required variables that production gains over time get a
    placeholder, so only what this test controls (Stripe) decides the outcome.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "PAYMENTS_"))}
    env.update(PRODUCTION_ENV, **extra)
    for _ in range(10):
        result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
            [sys.executable, "-c", "import django; django.setup(); print('started')"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        missing = re.search(r"Set the (\w+) environment variable", result.stderr)
        if not missing or missing.group(1).startswith("STRIPE_") or missing.group(1) in env:
            return result
        env[missing.group(1)] = PLACEHOLDER
    return result


def test_production_refuses_to_start_without_stripe_keys():
    result = _start_production(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "STRIPE_SECRET_KEY is empty" in result.stderr
    assert "test-mode payments are refused in production" in result.stderr


def test_production_refuses_to_start_with_a_key_but_no_webhook_secret():
    result = _start_production(STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET="")
    assert result.returncode != 0
    assert "STRIPE_WEBHOOK_SECRET is empty" in result.stderr


def test_production_starts_with_both_stripe_secrets():
    result = _start_production(STRIPE_SECRET_KEY="sk_live_x", STRIPE_WEBHOOK_SECRET="whsec_x")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_provider_is_stripe_with_a_key_and_test_mode_without(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert isinstance(get_provider(), TestModeProvider)
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    assert isinstance(get_provider(), StripeProvider)


def test_provider_refuses_test_mode_where_it_is_not_allowed(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_ALLOW_TEST_MODE = False
    with pytest.raises(ImproperlyConfigured, match="test-mode payments are refused"):
        get_provider()


def test_production_refuses_to_start_when_the_stripe_key_is_not_set_at_all():
    result = _start_production(STRIPE_WEBHOOK_SECRET="whsec_x")
    assert result.returncode != 0
    assert "Set the STRIPE_SECRET_KEY environment variable" in result.stderr
