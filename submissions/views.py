from django.http import HttpResponse


def apply(request, slug):
    return HttpResponse(slug)


def detail(request, uuid):
    return HttpResponse(uuid)


def autosave(request, uuid):
    return HttpResponse(uuid)


def attachment_download(request, uuid, attachment_uuid):
    return HttpResponse(uuid)
