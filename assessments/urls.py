from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<uuid:uuid>/", views.review, name="review"),
    path("review/<uuid:uuid>/changes/", views.review_changes, name="review_changes"),
]
