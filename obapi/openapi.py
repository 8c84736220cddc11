"""The Open Badges 3.0 API's scopes and its service description document.

The document is an OpenAPI 3.0 description of the endpoints served here, with
the ``x-imssf-*`` extensions Open Badges 3.0 asks for and the OAuth 2.0
authorization code flow pointing at this site's authorize, token and
registration endpoints. The tests run a property-based client against it.
"""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = PREFIX + "credential.readonly"
CREDENTIAL_UPSERT = PREFIX + "credential.upsert"
PROFILE_READ = PREFIX + "profile.readonly"
PROFILE_UPDATE = PREFIX + "profile.update"

SCOPE_DESCRIPTIONS = {
    CREDENTIAL_READ: _("See the credentials you hold here: your awards and those you imported"),
    CREDENTIAL_UPSERT: _("Add credentials to your account here, or replace ones it added"),
    PROFILE_READ: _("See your earner profile: name, email address, description and website"),
    PROFILE_UPDATE: _("Change your earner profile's name, description and website"),
}

# The spec's own wording, for machines reading the description document.
SCOPE_SPEC_TEXT = {
    CREDENTIAL_READ: "Permission to read AchievementCredentials for the authenticated entity.",
    CREDENTIAL_UPSERT: (
        "Permission to create or update AchievementCredentials for the authenticated entity."
    ),
    PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _status_info() -> dict:
    return {"$ref": "#/components/schemas/Imsx_StatusInfo"}


def _errors(*codes: int) -> dict:
    return {
        str(code): {
            "description": "Imsx_StatusInfo",
            "content": {"application/json": {"schema": _status_info()}},
        }
        for code in codes
    }


SCHEMAS = {
    "Imsx_StatusInfo": {
        "type": "object",
        "required": ["imsx_codeMajor", "imsx_severity"],
        "properties": {
            "imsx_codeMajor": {
                "type": "string",
                "enum": ["failure", "processing", "success", "unsupported"],
            },
            "imsx_severity": {"type": "string", "enum": ["error", "status", "warning"]},
            "imsx_description": {"type": "string"},
            "imsx_codeMinor": {
                "type": "object",
                "properties": {
                    "imsx_codeMinorField": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "imsx_codeMinorFieldName": {"type": "string"},
                                "imsx_codeMinorFieldValue": {"type": "string"},
                            },
                        },
                    }
                },
            },
        },
    },
    "AchievementCredential": {
        "type": "object",
        "required": ["@context", "type", "issuer", "credentialSubject"],
        "additionalProperties": True,
    },
    "CompactJws": {
        "type": "string",
        "pattern": r"^[-A-Za-z0-9_]+\.[-A-Za-z0-9_]*\.[-A-Za-z0-9_]*$",
    },
    "GetOpenBadgeCredentialsResponse": {
        "type": "object",
        "properties": {
            "credential": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/AchievementCredential"},
            },
            "compactJwsString": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CompactJws"},
            },
        },
    },
    "Profile": {
        "type": "object",
        "required": ["id", "type"],
        "properties": {
            "id": {"type": "string"},
            "type": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            "name": {"type": "string", "maxLength": 150},
            "description": {"type": "string", "maxLength": 2000},
            "url": {"type": "string", "format": "uri", "maxLength": 500},
            "email": {"type": "string"},
        },
        "additionalProperties": True,
    },
}


def service_description() -> dict:
    """The Service Description Document served at /ims/ob/v3p0/discovery."""
    scopes = dict(SCOPE_SPEC_TEXT)
    base = "/ims/ob/v3p0"
    credential_media = {
        "application/json": {"schema": {"$ref": "#/components/schemas/AchievementCredential"}},
        "text/plain": {"schema": {"$ref": "#/components/schemas/CompactJws"}},
    }
    return {
        "openapi": "3.0.1",
        "info": {
            "title": settings.SITE_NAME,
            "description": "Open Badges 3.0 API: the signed-in earner's credentials and profile.",
            "version": "3.0",
            "termsOfService": absolute(reverse("helpdesk:center")),
            "x-imssf-image": absolute(static("favicon.svg")),
            "x-imssf-privacyPolicyUrl": absolute(reverse("obapi:privacy")),
        },
        "servers": [{"url": settings.SITE_URL + base}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": {
                    "operationId": "getCredentials",
                    "tags": ["OpenBadgeCredentials"],
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0},
                        },
                    ],
                    "security": [{"OAuth2ACG": [CREDENTIAL_READ]}],
                    "responses": {
                        "200": {
                            "description": "The credentials, one page of them.",
                            "headers": {
                                "X-Total-Count": {"schema": {"type": "integer"}},
                                "Link": {"schema": {"type": "string"}},
                            },
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/"
                                        "GetOpenBadgeCredentialsResponse"
                                    }
                                }
                            },
                        },
                        **_errors(400, 401, 403, 405, 500),
                    },
                },
                "post": {
                    "operationId": "upsertCredential",
                    "tags": ["OpenBadgeCredentials"],
                    "requestBody": {"required": True, "content": credential_media},
                    "security": [{"OAuth2ACG": [CREDENTIAL_UPSERT]}],
                    "responses": {
                        "200": {"description": "Replaced.", "content": credential_media},
                        "201": {"description": "Created.", "content": credential_media},
                        **_errors(400, 401, 403, 405, 413, 415, 500),
                    },
                },
            },
            "/profile": {
                "get": {
                    "operationId": "getProfile",
                    "tags": ["OpenBadgeCredentials"],
                    "security": [{"OAuth2ACG": [PROFILE_READ]}],
                    "responses": {
                        "200": {
                            "description": "The earner's profile.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Profile"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 404, 405, 500),
                    },
                },
                "put": {
                    "operationId": "putProfile",
                    "tags": ["OpenBadgeCredentials"],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}
                        },
                    },
                    "security": [{"OAuth2ACG": [PROFILE_UPDATE]}],
                    "responses": {
                        "200": {
                            "description": "The earner's profile as now stored.",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Profile"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 404, 405, 413, 415, 500),
                    },
                },
            },
            "/discovery": {
                "get": {
                    "operationId": "getServiceDescription",
                    "tags": ["Discovery"],
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "This document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        **_errors(405, 500),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant authorization",
                    "x-imssf-name": settings.SITE_NAME,
                    "x-imssf-privacyPolicyUrl": absolute(reverse("obapi:privacy")),
                    "x-imssf-registrationUrl": absolute(reverse("oauth2_provider:dcr-register")),
                    "x-imssf-termsOfServiceUrl": absolute(reverse("helpdesk:center")),
                    "flows": {
                        "authorizationCode": {
                            "tokenUrl": absolute(reverse("oauth2_provider:token")),
                            "authorizationUrl": absolute(reverse("oauth2_provider:authorize")),
                            "refreshUrl": absolute(reverse("oauth2_provider:token")),
                            "scopes": scopes,
                        }
                    },
                }
            },
            "schemas": SCHEMAS,
        },
    }


GRANT_TYPES = ["authorization_code", "refresh_token"]
# What dynamic registration accepts: public clients ("none", with PKCE) and
# confidential ones with a secret.
TOKEN_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]


def authorization_server_metadata() -> dict:
    """OAuth 2.0 Authorization Server Metadata (RFC 8414), served at the site's
    root ``/.well-known/oauth-authorization-server``.

    The issuer is the site itself (``SITE_URL``), which is also the ``iss`` the
    authorization responses carry (RFC 9207), and every endpoint is the one the
    service description document names, so a client finds the same server
    whichever document it starts from. Only the authorization code grant (with
    its refresh tokens) gives access to an earner's data, so only it is offered.
    """
    token = absolute(reverse("oauth2_provider:token"))
    return {
        "issuer": settings.SITE_URL,
        "authorization_endpoint": absolute(reverse("oauth2_provider:authorize")),
        "token_endpoint": token,
        "registration_endpoint": absolute(reverse("oauth2_provider:dcr-register")),
        "revocation_endpoint": absolute(reverse("oauth2_provider:revoke-token")),
        "scopes_supported": list(SCOPE_SPEC_TEXT),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": GRANT_TYPES,
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": TOKEN_AUTH_METHODS,
        "authorization_response_iss_parameter_supported": True,
        "service_documentation": absolute(reverse("obapi_api:discovery")),
        "op_policy_uri": absolute(reverse("obapi:privacy")),
        "op_tos_uri": absolute(reverse("helpdesk:center")),
    }
