from django.urls import path

from . import views

app_name = "calibration"

urlpatterns = [
    path("", views.home, name="home"),
    path("sets/", views.set_list, name="sets"),
    path("sets/<uuid:uuid>/", views.set_detail, name="set"),
    path("sets/<uuid:uuid>/start/", views.start, name="start"),
    path("sets/<uuid:uuid>/anchors/new/", views.anchor_new, name="anchor_new"),
    path("attempts/<uuid:uuid>/", views.attempt, name="attempt"),
    path("attempts/<uuid:uuid>/submit/", views.submit, name="submit"),
    path("attempts/<uuid:uuid>/anchors/<int:number>/", views.anchor, name="anchor"),
    path(
        "attempts/<uuid:uuid>/anchors/<int:number>/evidence/<int:item>/",
        views.anchor_evidence,
        name="anchor_evidence",
    ),
    path("quality/", views.quality, name="quality"),
    path("turnaround/<slug:slug>/", views.organization_turnaround, name="turnaround"),
]
