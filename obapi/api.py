"""The Open Badges 3.0 API (Service Provider): getCredentials, upsertCredential,
getProfile, putProfile and the service description document.

Tokens are checked by django-oauth-toolkit; a missing or unknown token is 401,
a token without the operation's scope 403. Every answer other than success is
an ``Imsx_StatusInfo`` document, as the specification asks. A token only ever
reaches its own user's data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from badges import schema

from . import openapi, selectors, services
from .documents import imported_content, is_compact_jws, profile_document

MINOR = "imsx_codeMinorFieldValue"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def status_info(status: int, minor: str, description: str) -> JsonResponse:
    """An Imsx_StatusInfo failure document."""
    response = JsonResponse(
        {
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": description,
            "imsx_codeMinor": {
                "imsx_codeMinorField": [
                    {"imsx_codeMinorFieldName": "TargetEndSystem", MINOR: minor}
                ]
            },
        },
        status=status,
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    elif status == 403:
        response["WWW-Authenticate"] = 'Bearer error="insufficient_scope"'
    return response


def _bearer(request: HttpRequest, scope: str) -> tuple[Any, JsonResponse | None]:
    """The request's valid access token, or the error answer."""
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        return None, status_info(401, "unauthorizedrequest", "An access token is required.")
    try:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    except MultiPartParserError:
        return None, status_info(400, "invalid_data", "The request body cannot be read.")
    token = getattr(oauth_request, "access_token", None) if oauth_request else None
    if not valid or token is None or token.user is None or not token.user.is_active:
        return None, status_info(401, "unauthorizedrequest", "The access token is not valid.")
    if not token.allow_scopes([scope]):
        return None, status_info(403, "forbidden", f"This token lacks the scope {scope}.")
    return token, None


def not_modified_or(request: HttpRequest, user: Any, response: HttpResponse) -> HttpResponse:
    """A success answer tagged for conditional requests, or 304 Not Modified
    when the client's copy (If-None-Match) is still what it would get.

    The tag hashes the owner's id with the answer (body and paging links), so
    one earner's tag never matches another's answer; and the answer varies
    with the Authorization header, so no cache hands it to another token.
    """
    digest = hashlib.sha256(
        b"\x00".join([str(user.pk).encode(), response.content, response.get("Link", "").encode()])
    ).hexdigest()[:40]
    response["ETag"] = f'"{digest}"'
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Authorization"])
    answered = get_conditional_response(request, etag=response["ETag"], response=response)
    return answered if answered is not None else response


def api_view(methods: dict[str, str]) -> Callable:
    """Dispatch by method, each with the scope it needs; 405 for anything else."""

    def decorate(handlers: dict[str, Callable]) -> Callable:
        @csrf_exempt
        def view(request: HttpRequest) -> HttpResponse:
            if request.method not in methods:
                response = status_info(405, "not_allowed", "Method not allowed.")
                response["Allow"] = ", ".join(methods)
                return response
            token, error = _bearer(request, methods[request.method])
            if error is not None:
                return error
            return handlers[request.method](request, token.user, token)

        return view

    return decorate


# --- credentials --------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str, default: int, low: int, high: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    value = int(raw)  # ValueError: the caller answers 400
    if not low <= value <= high:
        raise ValueError(name)
    return value


def _page_link(request: HttpRequest, limit: int, offset: int) -> str:
    path = reverse("obapi_api:credentials")
    return request.build_absolute_uri(f"{path}?{urlencode({'limit': limit, 'offset': offset})}")


def _link_header(request: HttpRequest, total: int, limit: int, offset: int) -> str:
    last = max(0, ((total - 1) // limit) * limit) if total else 0
    links = [f'<{_page_link(request, limit, 0)}>; rel="first"']
    if offset + limit < total:
        links.append(f'<{_page_link(request, limit, offset + limit)}>; rel="next"')
    if offset > 0:
        links.append(f'<{_page_link(request, limit, max(0, offset - limit))}>; rel="prev"')
    links.append(f'<{_page_link(request, limit, last)}>; rel="last"')
    return ", ".join(links)


def _held(user: Any) -> list[tuple[str, str]]:
    """Everything the user holds, oldest first, as (form, text): their awards as
    VC-JWTs, then what they imported in the form it came (an image: what it carries)."""
    items = [("jwt", badge.ob3_jwt) for badge in selectors.awards_held_by(user=user)]
    for imported in selectors.imported_of(user=user).order_by("imported_at", "id"):
        content = imported_content(imported).strip()
        if is_compact_jws(content):
            items.append(("jwt", content))
        elif content.startswith("{"):
            items.append(("json", content))
        # Anything else (an image carrying only an address) has no credential to hand out.
    return items


def get_credentials(request: HttpRequest, user: Any, token: Any) -> HttpResponse:
    try:
        limit = _int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        offset = _int_param(request, "offset", 0, 0, 10**9)
    except ValueError:
        return status_info(400, "invalid_query_parameter", "limit is 1 to 100; offset 0 or more.")
    items = _held(user)
    page = items[offset : offset + limit]
    body: dict[str, list] = {"credential": [], "compactJwsString": []}
    for form, text in page:
        if form == "jwt":
            body["compactJwsString"].append(text)
        else:
            try:
                body["credential"].append(json.loads(text))
            except ValueError:
                # Kept as received, but not JSON: listed by the earner's pages only.
                continue
    response = JsonResponse(body)
    response["X-Total-Count"] = str(len(items))
    response["Link"] = _link_header(request, len(items), limit, offset)
    return not_modified_or(request, user, response)


def upsert_credential(request: HttpRequest, user: Any, token: Any) -> HttpResponse:
    content_type = request.content_type or ""
    if content_type not in ("application/json", "application/vc+ld+json", "text/plain"):
        return status_info(
            415, "unsupported_media_type", "Send application/json or text/plain (a VC-JWT)."
        )
    if len(request.body) > services.MAX_IMPORT_BYTES:
        return status_info(413, "invalid_data", "The credential is larger than 2 MB.")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return status_info(400, "invalid_data", "The body is not UTF-8 text.")
    is_jwt = content_type == "text/plain"
    if is_jwt != is_compact_jws(text):
        return status_info(
            400, "invalid_data", "A VC-JWT goes as text/plain, a JSON credential as JSON."
        )
    # A credential that departs from the Open Badges 3.0 schema is refused (and
    # not kept): the client learns which property is wrong and can send it again.
    problems = schema.text_problems(text)
    if problems:
        return status_info(
            400,
            "invalid_data",
            "The credential does not match the Open Badges 3.0 schema: " + schema.summary(problems),
        )
    try:
        _imported, created = services.credential_import(
            owner=user,
            text=text,
            source="api",
            client_name=getattr(token.application, "name", "") or "",
            actor=user,
        )
    except services.NotACredential as exc:
        return status_info(400, "invalid_data", str(exc))
    status = 201 if created else 200
    return HttpResponse(text, status=status, content_type=content_type)


credentials = api_view({"GET": openapi.CREDENTIAL_READ, "POST": openapi.CREDENTIAL_UPSERT})(
    {"GET": get_credentials, "POST": upsert_credential}
)


# --- profile ------------------------------------------------------------------------------


def get_profile(request: HttpRequest, user: Any, token: Any) -> HttpResponse:
    return not_modified_or(
        request, user, JsonResponse(profile_document(services.profile_for(user=user)))
    )


def put_profile(request: HttpRequest, user: Any, token: Any) -> HttpResponse:
    if request.content_type not in ("application/json", "application/ld+json"):
        return status_info(415, "unsupported_media_type", "Send the Profile as application/json.")
    if len(request.body) > services.MAX_IMPORT_BYTES:
        return status_info(413, "invalid_data", "The profile is too large.")
    try:
        document = json.loads(request.body)
    except ValueError:
        return status_info(400, "invalid_data", "The body is not JSON.")
    if not isinstance(document, dict):
        return status_info(400, "invalid_data", "The body is not a Profile object.")
    kinds = document.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if not isinstance(kinds, list) or "Profile" not in kinds:
        return status_info(400, "invalid_data", 'A Profile has "type": "Profile".')
    profile = services.profile_for(user=user)
    current = profile_document(profile)
    if document.get("id") not in (None, current["id"]):
        return status_info(400, "invalid_data", "The id is not this earner's profile.")
    problems = schema.profile_problems({**document, "id": document.get("id", current["id"])})
    if problems:
        return status_info(
            400,
            "invalid_data",
            "The Profile does not match the Open Badges 3.0 schema: " + schema.summary(problems),
        )
    changes: dict[str, str] = {}
    for field, attr in (("name", "display_name"), ("description", "description"), ("url", "url")):
        value = document.get(field, "")
        if not isinstance(value, str):
            return status_info(400, "invalid_data", f"{field} must be a string.")
        changes[attr] = value.strip()
    try:
        profile = services.profile_update(user=user, actor=user, **changes)
    except ValidationError as exc:
        messages = "; ".join(
            f"{name}: {' '.join(str(m) for m in errors)}"
            for name, errors in exc.message_dict.items()
        )
        return status_info(400, "invalid_data", messages)
    return JsonResponse(profile_document(profile))


profile = api_view({"GET": openapi.PROFILE_READ, "PUT": openapi.PROFILE_UPDATE})(
    {"GET": get_profile, "PUT": put_profile}
)


def discovery(request: HttpRequest) -> HttpResponse:
    """The Service Description Document; public, as the specification requires."""
    if request.method not in ("GET", "HEAD"):
        response = status_info(405, "not_allowed", "Method not allowed.")
        response["Allow"] = "GET, HEAD"
        return response
    response = JsonResponse(openapi.service_description())
    response["Access-Control-Allow-Origin"] = "*"
    return response


def authorization_server_metadata(request: HttpRequest) -> HttpResponse:
    """RFC 8414 metadata, public like the service description document."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    response = JsonResponse(openapi.authorization_server_metadata())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response
