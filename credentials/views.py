"""Public catalog, details and printable pages, and favorites."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST


def catalog(request):
    return HttpResponse("Catalog")


def detail(request, slug):
    return HttpResponse(slug)


def printable(request, slug):
    return HttpResponse(slug)


@login_required
@require_POST
def favorite_toggle(request, slug):
    return HttpResponse(slug)
