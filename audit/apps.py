from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Floor 0: one audit trail for every change of state, whoever made it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"
