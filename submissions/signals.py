"""Signals other apps listen to, so submissions never imports them.

``review_started`` is sent inside the transaction that moves a submission
into review (after submit for a free credential, after payment otherwise);
receivers (assignment, the review SLA) run in that same transaction, so the
move and its consequences commit together or not at all.

``submitted`` is sent inside the transaction of a submit (the content is
frozen from then on); evidence checks listen to it and queue their work.
"""

from django.dispatch import Signal

# Sent with: submission, actor.
review_started = Signal()

# Sent with: submission, actor; inside the transaction of a submit, once per
# submitted attempt. Receivers that do slow work queue it on commit.
submitted = Signal()

# Sent with: submission, actor; when the learner asks for the completeness
# pre-check of their application ("Check my application"), after it is saved.
check_requested = Signal()

# Sent with: submission, actor; inside the transaction that sends an application
# returned as Incomplete back to its review (same attempt, same assessor, no fee).
resubmitted = Signal()
