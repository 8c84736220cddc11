from django.urls import path

from . import cohort_views as views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("<int:partner_id>/cohorts/new/", views.cohort_new, name="new"),
    path("cohorts/<uuid:uuid>/", views.cohort_dashboard, name="dashboard"),
    path("cohorts/<uuid:uuid>/export.csv", views.cohort_export, name="export"),
    path("cohorts/<uuid:uuid>/teachers/<int:teacher_id>/", views.cohort_teacher, name="teacher"),
    path("invitations/<uuid:token>/", views.invitation_accept, name="accept"),
    path("mine/", views.my_cohorts, name="mine"),
    path("mine/<uuid:token>/withdraw/", views.withdraw, name="withdraw"),
]
