from django.apps import AppConfig


class BadgesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from assessments.models import Award

        from . import (
            checks,  # noqa: F401 - registers the system checks
            kept,
        )
        from .receivers import issue_badge_for_new_award

        post_save.connect(
            issue_badge_for_new_award, sender=Award, dispatch_uid="badges.issue_badge"
        )
        kept.connect()
