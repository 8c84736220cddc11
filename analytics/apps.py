from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from calibration import figures
        from payments.models import Payment
        from submissions.models import Submission

        # The report counts applications and payments besides the decisions;
        # saves that only touch a draft's bookkeeping leave it alone.
        figures.listen(
            figures.APPLICATIONS,
            {
                Submission: (
                    "version",
                    "updated_at",
                    "collaborators",
                    "resubmission_note",
                    "decision_due_on",
                ),
                Payment: ("checkout_url", "expires_at", "receipt_sent_at", "updated_at"),
            },
            uid="figures-applications",
        )
