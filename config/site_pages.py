"""Site-wide pieces that belong to no app: the favicon, and the site's own 404
page in the embedded default.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, get_resolver, resolve
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site; pages link the SVG icon, and
    this answers the ones that ask anyway (and the admin's pages, which link none)."""
    # Resolved per request: in production the static file's name carries its hash.
    return redirect(staticfiles_storage.url("favicon.ico"))


class SiteNotFoundMiddleware:
    """Under DEBUG, Django answers a missing page with its technical 404, which
    lists every URL pattern of the site. The embedded default runs with DEBUG on
    (tracebacks for errors, static files served), so its visitors would see that
    list: answer with the site's own 404 page instead. Does nothing without DEBUG,
    where Django already does the same.

    Listed after CommonMiddleware, so a path missing only its trailing slash is
    still redirected.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG:
            try:
                resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return self._not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return self._not_found(request, exception)
        return None

    def _not_found(self, request: HttpRequest, exception: Exception) -> HttpResponse:
        # Django calls a 404 handler with the request and the exception.
        handler: Callable[..., HttpResponse] = get_resolver(
            getattr(request, "urlconf", None)
        ).resolve_error_handler(404)
        return handler(request, exception)
