"""How a page shows a ``UserFacingError``: one mapping for the whole site.

Services raise a ``UserFacingError`` (or a subclass) when a request cannot be
done for a reason the person can act on. A view catches only the errors it
shows in a different way (beside a field, on the re-rendered form with the
person's text, on another page); every other one goes through here, so each
error looks the same wherever it happens:

- a browser gets the message (as information when the error is a
  ``notice``: what was asked for has already happened) and a redirect to the
  page the action belongs to;
- a script gets ``{"ok": false, "error": message}`` with status 409 (the
  request conflicts with the state of the record), so it can say why.

``user_errors`` puts this around one view and names the page to go back to;
``core.middleware.UserFacingErrorMiddleware`` catches any error a view lets
escape, so a new view never turns one into a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import UserFacingError

View: TypeAlias = Callable[..., HttpResponse]
# Where to send the browser: a URL name (reversed with the view's own URL
# arguments), or a function of the request and those arguments.
Destination: TypeAlias = str | Callable[..., str]


def user_error_response(
    request: HttpRequest,
    error: UserFacingError,
    redirect_to: str,
    *,
    json: bool = False,
) -> HttpResponse:
    """The response that shows ``error``: a message and a redirect, or JSON for a script."""
    if json:
        return JsonResponse({"ok": False, "error": error.message}, status=409)
    level = messages.INFO if error.notice else messages.ERROR
    messages.add_message(request, level, error.message)
    return redirect(redirect_to)


def user_errors(
    redirect_to: Destination | None = None, *, json: bool = False
) -> Callable[[View], View]:
    """Show any ``UserFacingError`` the view raises through ``user_error_response``.

    ``redirect_to`` names the page the action belongs to: a URL name reversed
    with the view's URL arguments (``"payments:checkout"`` for a view at
    ``<uuid>/pay/``), or ``f(request, *args, **kwargs)``; by default the same
    address, for a form the view also serves (a GET is never sent back to
    itself: ``page_back`` instead). ``json=True`` for views that only scripts
    call. Put it below ``login_required`` and the method checks, so those
    still answer first.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except UserFacingError as error:
                target = _destination(redirect_to, request, args, kwargs)
                return user_error_response(request, error, target, json=json)

        return wrapper

    return decorate


def _destination(
    redirect_to: Destination | None,
    request: HttpRequest,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> str:
    if redirect_to is None:
        target = request.get_full_path()
    elif callable(redirect_to):
        target = redirect_to(request, *args, **kwargs)
    else:
        target = reverse(redirect_to, args=args or None, kwargs=kwargs or None)
    if request.method == "GET" and urlsplit(target).path == request.path:
        # A page that failed to show would fail again: go back instead.
        return page_back(request)
    return target


def page_back(request: HttpRequest) -> str:
    """The same-site page the request came from, else the home page.

    Browsers send the Referer on same-site requests (the ``same-origin``
    referrer policy). A GET is never sent back to its own address, which
    would fail again.
    """
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        if request.method != "GET" or urlsplit(referer).path != request.path:
            return referer
    return "/"
