from django.urls import path

from . import duplicate_views

app_name = "checks"

urlpatterns = [
    path("flags/", duplicate_views.flag_queue, name="flag_queue"),
    path("flags/<uuid:uuid>/", duplicate_views.flag_detail, name="flag"),
]
