"""The site's URLs plus the trivial reference view used to normalise throughput."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    """The cheapest response the middleware stack allows: no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench-trivial"),
    path("", include("config.urls")),
]
