"""Reactions to what happens in other apps."""

from . import services


def issue_badge_for_new_award(sender, *, instance, created: bool, raw: bool = False, **kwargs):
    """A new award issues its badge in the same transaction as the award itself.

    If issuing fails, the award (and the decision that created it) rolls back
    with it, so an award never exists without its verifiable credential.
    Fixture loading (``raw``) is left alone.
    """
    if created and not raw:
        services.badge_issue(award=instance)
