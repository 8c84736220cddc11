from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from credentials.models import MicroCredential
        from credentials.signals import publish_check
        from submissions.models import Submission
        from submissions.signals import resubmitted, review_started

        from . import nav, panels, queue_pages
        from .receivers import open_review, resume_review, warn_if_nobody_assesses

        nav.connect()
        panels.connect()
        queue_pages.connect()

        review_started.connect(
            open_review, sender=Submission, dispatch_uid="assessments.open_review"
        )
        resubmitted.connect(
            resume_review, sender=Submission, dispatch_uid="assessments.resume_review"
        )
        publish_check.connect(
            warn_if_nobody_assesses,
            sender=MicroCredential,
            dispatch_uid="assessments.warn_if_nobody_assesses",
        )
