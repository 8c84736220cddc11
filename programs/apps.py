from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the stack check to issued badges
