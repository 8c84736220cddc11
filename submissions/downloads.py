"""Handing evidence to a reader who has already passed the permission check.

On S3 the browser fetches the object itself through a presigned URL that
expires within minutes, with the download name and type pinned by the
signature; on a local folder the file is streamed through the view.

Under blind review a file's own name often names its learner
("Lena_Alvarez_task_plan.pdf"), so everyone but the learner sees it under a
neutral name made of the submission's ID and its place in the list:
``MC-7QK2M9PA-evidence-3.pdf``.
"""

from django.db.models import Q
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .models import Attachment
from .uploads import evidence_extension

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


def neutral_name(attachment: Attachment, position: int) -> str:
    """The name of the ``position``-th file (from 1, in upload order) of a
    submission, with nothing in it the learner chose."""
    extension = evidence_extension(attachment.content_type, attachment.original_name)
    return f"{attachment.submission.reference}-evidence-{position}{extension}"


def attachment_position(attachment: Attachment) -> int:
    """Where the file stands in its submission's list (uploaded_at, then id), from 1."""
    earlier = Attachment.objects.filter(submission_id=attachment.submission_id).filter(
        Q(uploaded_at__lt=attachment.uploaded_at)
        | Q(uploaded_at=attachment.uploaded_at, pk__lt=attachment.pk)
    )
    return earlier.count() + 1


def shows_file_names(submission, reader) -> bool:
    """Whether this reader sees the learner's own file names: the learner always,
    anyone else only when the organization does not review blind."""
    if getattr(reader, "pk", None) == submission.learner_id:
        return True
    return not submission.credential.organization.blind_review


def download_name(attachment: Attachment, reader) -> str:
    if shows_file_names(attachment.submission, reader):
        return attachment.original_name
    return neutral_name(attachment, attachment_position(attachment))


def attachment_response(
    attachment: Attachment, *, reader, inline: bool = False
) -> HttpResponseBase:
    """The file, named for ``reader`` (see ``download_name``)."""
    inline = inline and attachment.content_type in INLINE_TYPES
    filename = download_name(attachment, reader)
    storage = attachment.file.storage
    if signs_urls(storage):
        url = storage.url(
            attachment.file.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(not inline, filename),
                "ResponseContentType": attachment.content_type,
                "ResponseCacheControl": "private, no-store",
            },
        )
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=not inline,
            filename=filename,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    # Neither the file nor the signed link may be kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
