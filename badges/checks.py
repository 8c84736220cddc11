"""System checks: the key that encrypts signing keys must be a valid Fernet key."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def key_encryption_key_is_valid(app_configs=None, **kwargs):
    from cryptography.fernet import Fernet

    try:
        Fernet(settings.BADGES_KEY_ENCRYPTION_KEY)
    except (AttributeError, TypeError, ValueError):
        return [
            Error(
                "BADGES_KEY_ENCRYPTION_KEY is not a valid Fernet key.",
                hint="Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="badges.E001",
            )
        ]
    return []
