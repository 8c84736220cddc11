from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/print/", views.printable, name="print"),
    path("<slug:slug>/favorite/", views.favorite_toggle, name="favorite"),
]
