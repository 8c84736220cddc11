"""Signals higher apps answer, so badges never imports them.

``status_list_revoked`` is sent with ``status_list`` whenever a status list is
encoded. Apps that issue their own credentials on badges' status lists (stack
awards) return the indexes they have revoked in that list; badges sets those
bits along with its own.
"""

from django.dispatch import Signal

status_list_revoked = Signal()
