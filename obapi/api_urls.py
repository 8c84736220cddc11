"""The Open Badges 3.0 API under /ims/ob/v3p0/ (namespace ``obapi_api``)."""

from django.urls import path

from . import api

app_name = "obapi_api"

urlpatterns = [
    path("discovery", api.discovery, name="discovery"),
    path("credentials", api.credentials, name="credentials"),
    path("profile", api.profile, name="profile"),
]
