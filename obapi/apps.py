from django.apps import AppConfig


class ObapiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "obapi"
    verbose_name = "Open Badges API"
