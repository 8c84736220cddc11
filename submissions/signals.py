"""Signals other apps listen to, so submissions never imports them.

``review_started`` is sent inside the transaction that moves a submission
into review (after submit for a free credential, after payment otherwise);
receivers (assignment, the review SLA) run in that same transaction, so the
move and its consequences commit together or not at all.
"""

from django.dispatch import Signal

# Sent with: submission, actor.
review_started = Signal()
