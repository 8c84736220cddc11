"""Handing evidence to a reader who has already passed the permission check.

On S3 the browser fetches the object itself through a presigned URL that
expires within minutes, with the download name and type pinned by the
signature; on a local folder the file is streamed through the view.
"""

from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .models import Attachment

# Types a browser may show in a tab instead of saving; anything else is a download.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"}


def signs_urls(storage) -> bool:
    """Whether the storage hands out short-lived signed URLs for private objects.

    django-storages' S3 backend does when querystring auth is on and no custom
    domain stands in front of the bucket (that would serve unsigned URLs).
    """
    return bool(getattr(storage, "querystring_auth", False)) and not getattr(
        storage, "custom_domain", None
    )


def attachment_response(attachment: Attachment, *, inline: bool = False) -> HttpResponse:
    inline = inline and attachment.content_type in INLINE_TYPES
    storage = attachment.file.storage
    if signs_urls(storage):
        url = storage.url(
            attachment.file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(
                    not inline, attachment.original_name
                ),
                "ResponseContentType": attachment.content_type,
                "ResponseCacheControl": "private, no-store",
            },
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=not inline,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # Neither the file nor the signed link may be kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
