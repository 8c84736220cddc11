from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from submissions.models import Submission
        from submissions.signals import review_started

        from .receivers import open_review

        review_started.connect(
            open_review, sender=Submission, dispatch_uid="assessments.open_review"
        )
