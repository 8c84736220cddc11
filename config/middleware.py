"""Site-wide request and response rules that no single view should have to remember.

``RejectNulBytesMiddleware`` answers 400 to a path or query string carrying a
NUL byte: no URL the site makes contains one, PostgreSQL refuses it in every
string (a view or the admin filtering on it would fail with a 500), and it has
no meaning in a page address.

``PrivateCacheMiddleware`` marks every response to a signed-in user
``Cache-Control: private``, so a shared cache (a school's proxy, a CDN) never
keeps one person's page and hands it to the next.

``CSPMiddleware`` is django-csp's, with the policy text built once rather
than on every response.
"""

from collections.abc import Callable
from typing import Any

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
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


# The policy as settings give it, built once per process (``CSPMiddleware``).
_POLICIES: dict[bool, str] = {}


def _forget_policies(**kwargs: Any) -> None:
    _POLICIES.clear()


setting_changed.connect(_forget_policies, dispatch_uid="config.middleware.forget_policies")

# What a view or decorator sets on a response to change its policy (django-csp).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt",
    "_csp_exempt_ro",
)


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, answering most responses from a policy built once.

    A response whose view changed its policy (``csp_update``, ``csp_exempt``
    and the like) or a request that used a nonce goes through django-csp as
    before; every other response gets the same header text, which django-csp
    would otherwise build again from the settings on each response.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in _PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for report_only, header, setting in (
            (False, HEADER, "CONTENT_SECURITY_POLICY"),
            (True, HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = _POLICIES.get(report_only)
            if policy is None:
                policy = _POLICIES[report_only] = build_policy(report_only=report_only)
            if not policy or header in response:
                continue
            prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if not request.path_info.startswith(tuple(prefixes)):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
