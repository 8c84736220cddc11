"""The attempt policy: how many attempts a credential allows before a conversation.

A credential's ``attempt_limit`` (empty: unlimited) counts the attempts in a
learner's chain (an Incomplete return is the same attempt, so it does not
count). Once the limit is used, Resubmit is refused and the learner is
offered a help request; staff who talked with them can allow one more
attempt (``ExtraAttempt``), each row one more.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ExtraAttempt, Submission
from .selectors import attempt_number


@dataclass(frozen=True)
class AttemptPolicy:
    limit: int | None  # None: unlimited
    used: int  # attempts in the chain so far, this one included
    extra: int  # further attempts staff allowed

    @property
    def allowed(self) -> int | None:
        return None if self.limit is None else self.limit + self.extra

    @property
    def remaining(self) -> int | None:
        """Attempts still open after this one (None: unlimited)."""
        return None if self.allowed is None else max(self.allowed - self.used, 0)

    @property
    def may_try_again(self) -> bool:
        return self.remaining is None or self.remaining > 0


def attempt_policy(submission: Submission) -> AttemptPolicy:
    """The policy as it applies after ``submission`` (its chain's attempts so far).

    Two queries (the chain, the extra attempts); none for an unlimited credential
    beyond the chain, and none at all for a submission read for its page
    (``selectors.submission_page_for_learner`` reads both with it).
    """
    used = attempt_number(submission)
    limit = submission.credential.attempt_limit
    extra = getattr(submission, "extra_attempts", None)
    if limit is None:
        extra = 0
    elif extra is None:
        # Granted on any version of the credential: its versions share a lineage.
        extra = ExtraAttempt.objects.filter(
            learner_id=submission.learner_id,
            credential__lineage=submission.credential.lineage,
        ).count()
    return AttemptPolicy(limit=limit, used=used, extra=extra)
