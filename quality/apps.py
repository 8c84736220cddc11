from django.apps import AppConfig


class QualityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "quality"
    verbose_name = "Quality review"

    def ready(self) -> None:
        from . import fragments

        fragments.connect()
