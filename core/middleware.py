"""The site-wide net under ``core.views.user_errors``."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .errors import UserFacingError
from .views import page_back, user_error_response

logger = logging.getLogger(__name__)


class UserFacingErrorMiddleware:
    """Shows a ``UserFacingError`` that escaped a view instead of answering 500.

    The error's message is written for the person, so it is shown as it is,
    on the page the form was sent from (a same-site Referer; browsers send it
    under the ``same-origin`` referrer policy), else on the home page. A
    script that asked for JSON gets JSON. Views that know a better page say
    so with ``core.views.user_errors``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, UserFacingError):
            return None
        logger.info("%s on %s %s", type(exception).__name__, request.method, request.path)
        back = page_back(request)
        return user_error_response(request, exception, back, json=_wants_json(request))


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("accept", "")
    return accept.split(",")[0].strip().startswith("application/json")
