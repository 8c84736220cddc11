from django.urls import path

from . import views

app_name = "studio"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:organization>/new/", views.create, name="create"),
    path("credentials/<uuid:uuid>/", views.edit, name="edit"),
    path("credentials/<uuid:uuid>/autosave/", views.autosave, name="autosave"),
    path("credentials/<uuid:uuid>/new-version/", views.new_version, name="new_version"),
    path("credentials/<uuid:uuid>/publish/", views.publish, name="publish"),
    path("credentials/<uuid:uuid>/preview/", views.preview, name="preview"),
    path(
        "credentials/<uuid:uuid>/preview/application/",
        views.preview_application,
        name="preview_application",
    ),
]
