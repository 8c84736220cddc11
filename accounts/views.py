"""What a page hears when its sign-in ended or changed while it stayed open.

A learner can sign out in another tab, sign in again there, or let the session
expire, while an application page keeps running. The page keeps a copy of
unsaved text in the browser; these answers tell it (and the learner) what
happened, so nothing is quietly thrown away.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

SIGNED_OUT = _(
    "You are signed out, so your changes are not being saved. Your text is kept in this browser."
)
SIGN_IN_CHANGED = _(
    "You signed in again in another tab, so this page's save was refused. "
    "It will try again with your new sign-in."
)


def login_url_returning_to(path: str) -> str:
    """The sign-in page, coming back to ``path`` (one of our own pages) afterwards."""
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': path})}"


def signed_out_json() -> JsonResponse:
    """For a background request: 401 rather than the sign-in page's HTML."""
    return JsonResponse({"ok": False, "signed_out": True, "error": SIGNED_OUT}, status=401)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a token from an earlier sign-in (settings.CSRF_FAILURE_VIEW).

    Nothing was changed. A background save gets JSON saying whether the
    browser is signed out; a page gets an explanation and the way back to the
    page it came from, where the unsaved text kept in the browser is offered
    again. Django's security log already records ``reason``.
    """
    signed_out = not request.user.is_authenticated
    if _wants_json(request):
        if signed_out:
            return signed_out_json()
        return JsonResponse({"ok": False, "csrf": True, "error": SIGN_IN_CHANGED}, status=403)
    context = {
        "signed_out": signed_out,
        "back_url": request.path,
        "login_url": login_url_returning_to(request.path),
    }
    return render(request, "403_csrf.html", context, status=403)
