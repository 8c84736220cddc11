"""Reactions to what happens to submissions."""

from django.db import transaction


def queue_fingerprints(sender, *, submission, **kwargs) -> None:
    """A submit is committing: fingerprint its evidence once it has (in the background,
    so a slow look-up never holds up or undoes the learner's submit). ``robust``: with
    the broker down the submit still succeeds; the fingerprints are rebuilt the next
    time the application is checked."""
    from .tasks import fingerprint_submission

    submission_id = submission.pk
    transaction.on_commit(lambda: fingerprint_submission.delay(submission_id), robust=True)


def precheck_on_submit(sender, *, submission, actor=None, **kwargs) -> None:
    """A submit (or a resubmit after Incomplete) is committing: check its files and
    links once it has, so the assessor finds the results on the review page."""
    from .models import PrecheckTrigger
    from .services.precheck import precheck_request

    precheck_request(submission=submission, trigger=PrecheckTrigger.SUBMIT, actor=actor)


def precheck_on_request(sender, *, submission, actor=None, **kwargs) -> None:
    """The learner pressed "Check my application" (after their draft was saved)."""
    from .models import PrecheckTrigger
    from .services.precheck import precheck_request

    precheck_request(submission=submission, trigger=PrecheckTrigger.DRAFT, actor=actor)


def precheck_changed(sender, *, instance, raw: bool = False, **kwargs) -> None:
    """A pre-check was requested, finished or deleted: the application's page,
    kept rendered for its learner (``submissions.kept``), shows the latest
    results, so what was kept of her applications is retired."""
    if raw:  # fixture loading: nothing is kept then
        return
    from submissions.kept import applications_changed
    from submissions.models import Submission

    field = type(instance).submission.field
    if field.is_cached(instance):  # requested with the application in hand: no query
        learner_id = instance.submission.learner_id
    else:
        learner_id = (
            Submission.objects.filter(pk=instance.submission_id)
            .values_list("learner_id", flat=True)
            .first()
        )
    if learner_id is not None:
        applications_changed(learner_id)
