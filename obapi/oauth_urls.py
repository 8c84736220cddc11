"""django-oauth-toolkit's endpoints under /o/ (namespace ``oauth2_provider``, which
the toolkit reverses): authorize (with our consent page), token, revocation,
introspection, dynamic client registration and the server metadata. The
toolkit's own application-management pages are left out: clients register
themselves, and learners manage their connections on their account pages."""

from django.urls import path
from oauth2_provider import urls as dot_urls
from oauth2_provider import views as dot_views

from .api import authorization_server_metadata
from .views import ConsentView, RegistrationManagementView, RegistrationView

app_name = "oauth2_provider"

urlpatterns = [
    path("authorize/", ConsentView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", dot_views.IntrospectTokenView.as_view(), name="introspect"),
    path("register/", RegistrationView.as_view(), name="dcr-register"),
    path(
        "register/<str:client_id>/",
        RegistrationManagementView.as_view(),
        name="dcr-register-management",
    ),
    # The same metadata as the site root's (clients that look under the issuer
    # path find it too); the protected-resource metadata is the toolkit's.
    path(
        ".well-known/oauth-authorization-server",
        authorization_server_metadata,
        name="oauth-server-metadata",
    ),
    *(p for p in dot_urls.metadata_urlpatterns if (p.name or "").startswith("oauth-resource")),
]
