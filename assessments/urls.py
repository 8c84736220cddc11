from django.urls import path

from . import scoring_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<uuid:uuid>/", views.review, name="review"),
    path("scoring/<uuid:uuid>/", scoring_views.scoring, name="scoring"),
    path("review/<uuid:uuid>/changes/", views.review_changes, name="review_changes"),
]
