from django.apps import AppConfig


class PartnerApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partner_api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - webhooks for awards, decisions, new members
