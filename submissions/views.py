"""Applying, the application page (edit while a draft, read-only after), files."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_POST

from credentials.models import MicroCredential

from . import selectors, services
from .downloads import attachment_response
from .exceptions import DraftConflict, IncompleteSubmission, NotEditable, SubmissionError
from .forms import ApplicationForm
from .models import Attachment, Status


@login_required
@require_POST
def apply(request, slug):
    credential = get_object_or_404(MicroCredential.objects.published(), slug=slug)
    try:
        draft, created = services.submission_apply(learner=request.user, credential=credential)
    except SubmissionError as exc:
        messages.error(request, str(exc))
        return redirect(credential)
    if not created:
        messages.info(request, "You already have a draft for this micro-credential; here it is.")
    return redirect(draft)


@login_required
def detail(request, uuid):
    submission = selectors.submission_get_for_learner(uuid=uuid, learner=request.user)
    if submission.status != Status.DRAFT:
        if request.method == "POST":
            messages.info(request, "This application has already been submitted.")
            return redirect(submission)
        return _render_submitted(request, submission)
    if request.method == "POST":
        return _post_draft(request, submission)
    services.draft_refresh_prompts(submission=submission)
    submission = selectors.submission_with_content(submission)
    form = ApplicationForm(initial={"version": submission.version}, submission=submission)
    return _render_draft(request, submission, form)


def _render_draft(request, submission, form, *, problems=None, conflict=None, status=200):
    context = {
        "submission": submission,
        "credential": submission.credential,
        "form": form,
        "parts": _parts(form.prompt_rows()),
        "problems": problems or [],
        "conflict": conflict,
        "max_file_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
        "max_total_mb": settings.EVIDENCE_MAX_TOTAL_BYTES // (1024 * 1024),
    }
    return render(request, "submissions/submission_edit.html", context, status=status)


PART_TITLES = {
    1: "Part 1: Overview",
    2: "Part 2: Evidence",
    3: "Part 3: Reflection",
    4: "Part 4: Reflection on impact",
}


def _parts(rows):
    """The four parts in order, each with its prompts; Part 2 also holds the evidence."""
    return [
        {"number": n, "title": title, "rows": [r for r in rows if r["response"].part == n]}
        for n, title in PART_TITLES.items()
    ]


def _post_draft(request, submission):
    submission = selectors.submission_with_content(submission)
    form = ApplicationForm(request.POST, request.FILES, submission=submission)
    link_ok = form.is_valid()
    if "version" in form.errors:
        messages.error(request, "The page was out of date. Please reload it and try again.")
        return redirect(submission)
    data = form.cleaned_data
    changes = services.DraftChanges(
        answers=form.answers(),
        uploads=form.uploads(),
        new_link=form.new_link() if link_ok else None,
        remove_attachments=request.POST.getlist("remove_attachment"),
        remove_links=[int(x) for x in request.POST.getlist("remove_link") if x.isdigit()],
    )
    try:
        result = services.draft_save(
            submission=submission, actor=request.user, version=data["version"], changes=changes
        )
    except NotEditable:
        messages.info(request, "This application has already been submitted.")
        return redirect(submission)
    except DraftConflict as exc:
        # Nothing was saved: show the learner their own text, and let a second
        # press of Save draft (now carrying the current version) keep it.
        fresh = _rebind(request, submission, exc.current_version)
        return _render_draft(request, submission, fresh, conflict=str(exc), status=409)

    submission = selectors.submission_with_content(submission)
    fresh = _rebind(request, submission, result.version, keep_link=not link_ok)
    for error in result.upload_errors:
        fresh.add_error("files", error)
    if not link_ok:
        for name in ("link_title", "link_url"):
            for error in form.errors.get(name, []):
                fresh.add_error(name, error)
    has_errors = bool(result.upload_errors) or not link_ok
    saved = f"Draft saved at {time_format(timezone.localtime(result.saved_at), 'g:i A')}."

    if request.POST.get("action") == "submit" and not has_errors:
        try:
            submitted = services.submission_submit(
                submission=submission, actor=request.user, attestations=form.attestations()
            )
        except IncompleteSubmission as exc:
            messages.success(request, saved)
            return _render_draft(request, submission, fresh, problems=exc.problems, status=422)
        except NotEditable:
            return redirect(submission)
        messages.success(
            request, f"Your application was submitted. Your submission ID is {submitted.reference}."
        )
        return redirect(submitted)

    if has_errors or result.over_limit:
        messages.warning(request, saved + " Some items need your attention; see below.")
        return _render_draft(request, submission, fresh, status=422 if has_errors else 200)
    messages.success(request, saved)
    return redirect(submission)


def _rebind(request, submission, version, *, keep_link=False):
    """The form as posted, but carrying the current version; added evidence cleared."""
    data = request.POST.copy()
    data["version"] = str(version)
    if not keep_link:
        for name in ("link_title", "link_url", "link_requirement"):
            data.pop(name, None)
    form = ApplicationForm(data, submission=submission)
    form.is_valid()
    return form


def _render_submitted(request, submission):
    submission = selectors.submission_with_content(submission)
    return render(
        request,
        "submissions/submission_detail.html",
        {"submission": submission, "credential": submission.credential},
    )


@login_required
@require_POST
def autosave(request, uuid):
    """Background save of the written answers (files and links wait for Save draft)."""
    submission = selectors.submission_get_for_learner(uuid=uuid, learner=request.user)
    if submission.status != Status.DRAFT:
        return JsonResponse(
            {"ok": False, "error": "This application has been submitted."}, status=409
        )
    submission = selectors.submission_with_content(submission)
    form = ApplicationForm(request.POST, submission=submission)
    if not form.is_valid() and "version" in form.errors:
        return JsonResponse({"ok": False, "error": "The page is out of date."}, status=400)
    try:
        result = services.draft_save(
            submission=submission,
            actor=request.user,
            version=form.cleaned_data["version"],
            changes=services.DraftChanges(answers=form.answers()),
        )
    except DraftConflict as exc:
        return JsonResponse(
            {"ok": False, "conflict": True, "error": str(exc), "version": exc.current_version},
            status=409,
        )
    except NotEditable as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409)
    saved = time_format(timezone.localtime(result.saved_at), "g:i A")
    return JsonResponse({"ok": True, "version": result.version, "saved_at": saved})


@login_required
@require_POST
def resubmit(request, uuid):
    submission = selectors.submission_get_for_learner(uuid=uuid, learner=request.user)
    try:
        draft = services.submission_resubmit(submission=submission, actor=request.user)
    except SubmissionError as exc:
        messages.error(request, str(exc))
        return redirect(submission)
    messages.success(
        request,
        f"Your new attempt starts from {submission.reference}: review it, update it and submit.",
    )
    return redirect(draft)


@login_required
def attachment_download(request, uuid, attachment_uuid):
    """Serve evidence only to the learner, the assigned assessor or staff."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission"),
        uuid=attachment_uuid,
        submission__uuid=uuid,
    )
    if not selectors.can_view_submission(request.user, attachment.submission):
        raise Http404
    # On S3 this is a redirect to a presigned URL that expires in minutes.
    return attachment_response(attachment, inline=request.GET.get("inline") == "1")
