from django.urls import path

from . import views

app_name = "helpdesk"

# Topic pages take any other slug, so they come last (models.RESERVED_TOPIC_SLUGS).
urlpatterns = [
    path("", views.help_center, name="center"),
    path("contact/", views.contact, name="contact"),
    path("requests/", views.ticket_list, name="ticket_list"),
    path("requests/<uuid:uuid>/", views.ticket_detail, name="ticket_detail"),
    path("answers/<slug:slug>/", views.answer, name="answer"),
    path("<slug:slug>/", views.topic_detail, name="topic"),
]
