"""The smallest environment production settings start with, for settings tests.

Every variable production.py requires without a default is here; a test that
removes one proves start-up stops without it.
"""

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "prod-secret-key-for-a-settings-test-0123456789abcdefghij-KLMNOP",
    "DJANGO_ALLOWED_HOSTS": "credentials.example.org",
    "DATABASE_URL": "postgres://app@db.example.org:5432/app",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "AWS_STORAGE_BUCKET_NAME": "evidence-bucket",
    "STRIPE_SECRET_KEY": "sk_test_settings_check",
    "STRIPE_WEBHOOK_SECRET": "whsec_settings_check",
    "BADGES_KEY_ENCRYPTION_KEY": "ZmRlOWM0YjY1ZTc0NDFhZGI2ZDNmZjQxYzQ0ZjE5OGQ=",
}
