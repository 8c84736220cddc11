"""Documents at the site root's /.well-known/ (RFC 8615), namespace ``well_known``."""

from django.urls import path

from . import api

app_name = "well_known"

urlpatterns = [
    path(
        "oauth-authorization-server",
        api.authorization_server_metadata,
        name="oauth_authorization_server",
    ),
]
