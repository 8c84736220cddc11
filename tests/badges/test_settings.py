"""Production needs its own key-encryption key; with one, the deploy checks pass."""

from cryptography.fernet import Fernet

from tests.test_deploy import production_env, run_deploy_check


def test_production_refuses_to_start_without_the_key_encryption_key():
    result = run_deploy_check(production_env(BADGES_KEY_ENCRYPTION_KEY=None))
    assert result.returncode != 0
    assert "BADGES_KEY_ENCRYPTION_KEY" in result.stderr


def test_production_with_a_key_encryption_key_passes_the_deploy_checks():
    result = run_deploy_check(
        production_env(BADGES_KEY_ENCRYPTION_KEY=Fernet.generate_key().decode())
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_rejects_a_key_that_is_not_a_fernet_key():
    result = run_deploy_check(production_env(BADGES_KEY_ENCRYPTION_KEY="not-a-key"))
    assert result.returncode != 0
    assert "badges.E001" in result.stderr
