from django.urls import path

from . import stack_views as views

app_name = "stacks"

urlpatterns = [
    path("", views.stack_list, name="list"),
    path("design/", views.stack_design, name="design"),
    path("<slug:slug>/", views.stack_detail, name="stack"),
    path("<slug:slug>/external/", views.stack_external, name="external"),
    path("achievements/<uuid:stack_uuid>.json", views.stack_achievement, name="achievement"),
    path("awards/<uuid:award_uuid>/", views.award_detail, name="award"),
    path("awards/<uuid:award_uuid>/verify/", views.award_verify, name="award_verify"),
    path(
        "awards/<uuid:award_uuid>/<str:kind>",
        views.award_document,
        name="award_document",
    ),
]
