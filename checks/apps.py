from django.apps import AppConfig


class ChecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checks"
    verbose_name = "Evidence checks"

    def ready(self) -> None:
        from submissions.models import Submission
        from submissions.signals import submitted

        from .receivers import queue_fingerprints

        submitted.connect(
            queue_fingerprints, sender=Submission, dispatch_uid="checks.queue_fingerprints"
        )
