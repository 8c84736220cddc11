from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "credentials"
    verbose_name = "Micro-credentials"

    def ready(self) -> None:
        from . import nav, public_pages

        public_pages.connect()
        nav.connect()
