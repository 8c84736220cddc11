from django.urls import path

from . import views
from .api import api

app_name = "partner_api"

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/<int:partner_id>/", views.tokens, name="tokens"),
    path("webhooks/<int:partner_id>/", views.webhooks, name="webhooks"),
]
