"""Staff and assessors set up two-factor authentication before anything else,
and only from a session whose sign-in included a code emailed to them."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .selectors import has_totp, mfa_required, signed_in_with_emailed_code

# The answer "nothing to do" is remembered in the session for a few minutes, so
# a learner's pages do not pay a query for it on every request. A user who
# becomes an assessor meanwhile is asked within that time; one who has TOTP
# cannot remove it while it is required (accounts.adapters.MFAAdapter).
CHECKED_KEY = "accounts.mfa_checked"
RECHECK_SECONDS = 300

SIGN_IN_AGAIN = _(
    "Staff and assessors confirm their email address before setting up two-factor "
    "authentication. Sign in again and enter the code we email you."
)
SET_UP_TOTP = _(
    "Staff and assessors protect their accounts with two-factor "
    "authentication. Set up your authenticator app to continue."
)


class MFARequiredMiddleware:
    """Sends a signed-in staff user or assessor without an authenticator app to
    the page that activates one, from any page except allauth's own (sign in
    and out, email, password, two-factor setup and recovery codes).

    Such a session must have been opened with a code emailed to the user
    (accounts.adapters.AccountAdapter asks for one at sign-in). A session opened
    without one (before the user became an assessor, say) could otherwise enrol
    an authenticator app, or change the account's email, on the strength of a
    password alone: it is signed out, on every page, allauth's included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.MFA_REQUIRED_FOR_STAFF_AND_ASSESSORS or not user.is_authenticated:
            return None
        checked = request.session.get(CHECKED_KEY)
        now = int(time.time())
        if checked and checked[0] == user.pk and now - checked[1] < RECHECK_SECONDS:
            return None
        if not mfa_required(user) or has_totp(user):
            request.session[CHECKED_KEY] = (user.pk, now)
            return None
        if not signed_in_with_emailed_code(request, user):
            logout(request)
            messages.warning(request, SIGN_IN_AGAIN)
            return redirect_to_login(request.get_full_path())
        if (view_func.__module__ or "").startswith("allauth."):
            return None
        messages.warning(request, SET_UP_TOTP)
        return redirect("mfa_activate_totp")
