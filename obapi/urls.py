"""The earner's pages (namespace ``obapi``)."""

from django.urls import path

from . import views

app_name = "obapi"

urlpatterns = [
    path("", views.earner_home, name="home"),
    path("settings/", views.profile_save, name="profile_save"),
    path("import/", views.credential_upload, name="import"),
    path("imported/<uuid:imported_uuid>/show/", views.imported_visibility, name="imported_show"),
    path("export.zip", views.export, name="export"),
    path("apps/", views.connected_apps, name="connected_apps"),
    path("apps/<int:application_id>/revoke/", views.connected_app_revoke, name="revoke"),
    path("privacy/", views.privacy, name="privacy"),
    path("p/<str:key>/", views.public_profile, name="public_profile"),
]
