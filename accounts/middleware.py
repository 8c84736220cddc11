"""Staff and assessors set up two-factor authentication before anything else."""

import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from .selectors import has_totp, mfa_required

# The answer "nothing to do" is remembered in the session for a few minutes, so
# a learner's pages do not pay a query for it on every request. A user who
# becomes an assessor meanwhile is asked within that time; one who has TOTP
# cannot remove it while it is required (accounts.adapters.MFAAdapter).
CHECKED_KEY = "accounts.mfa_checked"
RECHECK_SECONDS = 300


class MFARequiredMiddleware:
    """Sends a signed-in staff user or assessor without an authenticator app to
    the page that activates one, from any page except allauth's own (sign in
    and out, email, password, two-factor setup and recovery codes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS or not user.is_authenticated:
            return None
        if (view_func.__module__ or "").startswith("allauth."):
            return None
        checked = request.session.get(CHECKED_KEY)
        now = int(time.time())
        if checked and checked[0] == user.pk and now - checked[1] < RECHECK_SECONDS:
            return None
        if mfa_required(user) and not has_totp(user):
            messages.warning(
                request,
                "Staff and assessors protect their accounts with two-factor "
                "authentication. Set up your authenticator app to continue.",
            )
            return redirect("mfa_activate_totp")
        request.session[CHECKED_KEY] = (user.pk, now)
        return None
