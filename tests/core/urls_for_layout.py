"""Two URLconfs naming one page at different addresses (tests.core.test_layout_tags)."""

from django.http import HttpResponse
from django.urls import path


def page(request):
    return HttpResponse("")


urlpatterns = [path("first/", page, name="layout-probe")]
moved = [path("moved/", page, name="layout-probe")]
