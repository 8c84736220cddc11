"""Who may register a client (RFC 7591): anyone, as Open Badges clients register
themselves, but each address only a few times an hour, so open registration
cannot be used to fill the client table."""

from django.core.cache import cache

from config.throttle import client_address

REGISTRATIONS_PER_HOUR = 20
WINDOW = 3600


class OpenRegistrationPermission:
    """django-oauth-toolkit DCR permission class: open, limited per client address
    (a refused registration gets the toolkit's 403)."""

    def has_permission(self, request) -> bool:
        key = f"obapi:register:{client_address(request)}"
        if cache.add(key, 1, WINDOW):
            return True
        try:
            return cache.incr(key) <= REGISTRATIONS_PER_HOUR
        except ValueError:
            cache.set(key, 1, WINDOW)
            return True
