from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "submissions"
    verbose_name = "Applications"

    def ready(self) -> None:
        from . import kept

        kept.connect()
