from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        # Refuse to start with fake card payments where they are not allowed (production).
        from .providers import check_configuration

        check_configuration()
