from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Floor 0: the shared errors and the transition helper every app builds on."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"
