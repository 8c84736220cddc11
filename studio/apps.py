from django.apps import AppConfig


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "studio"
    verbose_name = "Credential studio"

    def ready(self) -> None:
        from . import fragments

        fragments.connect()
