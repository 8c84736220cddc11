from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("", views.home, name="home"),
    path("versions/<uuid:uuid>/", views.version, name="version"),
    path("versions/<uuid:uuid>/self-assessment/", views.self_assessment, name="self_assessment"),
    path(
        "versions/<uuid:uuid>/self-assessment/autosave/",
        views.self_assessment_autosave,
        name="self_assessment_autosave",
    ),
    path("versions/<uuid:uuid>/submit/", views.submit, name="submit"),
    path("versions/<uuid:uuid>/publish/", views.publish, name="publish"),
    path("versions/<uuid:uuid>/record/", views.record, name="record"),
    path("rounds/<uuid:uuid>/assign/", views.assign, name="assign"),
    path("rounds/<uuid:uuid>/settle/", views.settle, name="settle"),
    path("reviews/<uuid:uuid>/", views.review, name="review"),
    path("reviews/<uuid:uuid>/autosave/", views.review_autosave, name="review_autosave"),
    path("summaries/<uuid:uuid>/", views.summary, name="summary"),
    path("reports/", views.report_index, name="reports"),
    path("reports/<uuid:uuid>/", views.report, name="report"),
    path("reports/<uuid:uuid>/report.csv", views.report_csv, name="report_csv"),
]
