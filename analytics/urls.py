from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.organization_report, name="report"),
    path("<slug:slug>/export.csv", views.organization_csv, name="csv"),
]
