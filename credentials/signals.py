"""Signals other apps answer, so credentials never imports them.

``publish_check`` is sent when staff publish a credential, with ``credential``.
A receiver returns a list of warnings (strings safe to show staff) about what
will go wrong for learners once it is published, e.g. that nobody can assess
it; an empty list means nothing to say. Warnings never stop publication.
"""

from django.dispatch import Signal

publish_check = Signal()

# Sent inside the transaction that opens a new version of a credential, with
# ``credential`` (the new version) and ``previous`` (the version it copies).
# Apps that keep rows per credential version (assessor roles, scoring policies,
# calibration sets) copy theirs so the new version starts where the old one was.
version_opened = Signal()

# Sent by the catalog when it is asked for ``?stack=<slug>``, with ``slug``. A
# receiver that knows the stack returns ``(title, lineages)``: the stack's name
# and the lineages of its member credentials; others return None.
catalog_stack = Signal()
