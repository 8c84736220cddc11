from django.apps import AppConfig


class ChecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "checks"
    verbose_name = "Evidence checks"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from submissions.models import Submission
        from submissions.signals import check_requested, resubmitted, submitted

        from .models import Precheck
        from .receivers import (
            precheck_changed,
            precheck_on_request,
            precheck_on_submit,
            queue_fingerprints,
        )

        submitted.connect(
            queue_fingerprints, sender=Submission, dispatch_uid="checks.queue_fingerprints"
        )
        # Sent again after an Incomplete return: its files or answers may have changed.
        resubmitted.connect(
            queue_fingerprints, sender=Submission, dispatch_uid="checks.queue_fingerprints_again"
        )
        for signal, name in ((submitted, "submit"), (resubmitted, "resubmit")):
            signal.connect(
                precheck_on_submit, sender=Submission, dispatch_uid=f"checks.precheck_on_{name}"
            )
        check_requested.connect(
            precheck_on_request, sender=Submission, dispatch_uid="checks.precheck_on_request"
        )
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                precheck_changed, sender=Precheck, dispatch_uid=f"checks.precheck_{name}"
            )
