from django.urls import path

from . import incomplete_views, scoring_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/<uuid:uuid>/", views.review, name="review"),
    path("review/<uuid:uuid>/incomplete/", incomplete_views.review_return, name="review_return"),
    path("review/<uuid:uuid>/recheck/", incomplete_views.review_recheck, name="review_recheck"),
    path("scoring/<uuid:uuid>/", scoring_views.scoring, name="scoring"),
    path("review/<uuid:uuid>/changes/", views.review_changes, name="review_changes"),
]
