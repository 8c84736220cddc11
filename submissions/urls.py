from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("apply/<slug:slug>/", views.apply, name="apply"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/autosave/", views.autosave, name="autosave"),
    path("<uuid:uuid>/resubmit/", views.resubmit, name="resubmit"),
    path("<uuid:uuid>/files/<uuid:attachment_uuid>/", views.attachment_download, name="attachment"),
]
