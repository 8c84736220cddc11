"""Site-wide request and response rules that no single view should have to remember.

``RejectNulBytesMiddleware`` answers 400 to a path or query string carrying a
NUL byte: no URL the site makes contains one, PostgreSQL refuses it in every
string (a view or the admin filtering on it would fail with a 500), and it has
no meaning in a page address.

``PrivateCacheMiddleware`` marks every response to a signed-in user
``Cache-Control: private``, so a shared cache (a school's proxy, a CDN) never
keeps one person's page and hands it to the next.
"""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or NUL in request.path_info:
        return True
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RejectNulBytesMiddleware:
    """Refuses (400, the site's own error page) a NUL byte in the path or query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            raise BadRequest("NUL byte in the request address.")
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Adds ``private`` to the Cache-Control of responses to a signed-in user.

    A response that already says ``public`` (a badge image anyone may fetch)
    or ``private`` keeps its header as the view wrote it; other directives a
    view set (``no-cache``, ``max-age``) are kept and ``private`` is added.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if not directives & {"public", "private"}:
            patch_cache_control(response, private=True)
        return response
