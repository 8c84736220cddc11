from django.urls import path

from . import views

app_name = "partner_api"

urlpatterns = [
    path("tokens/<int:partner_id>/", views.tokens, name="tokens"),
    path("webhooks/<int:partner_id>/", views.webhooks, name="webhooks"),
]
