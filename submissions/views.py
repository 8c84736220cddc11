"""Applying, the application page (edit while a draft, read-only after), files."""

import re
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from accounts.views import signed_out_json
from config.parsing import valid_uuids
from config.uploads import files_skipped
from core import kept_page
from core.views import user_errors
from credentials.models import MicroCredential
from credentials.selectors import credential_current_version

from . import draft_page, selectors, services
from .downloads import attachment_response
from .exceptions import AlreadyApplied, DraftConflict, IncompleteSubmission
from .forms import MISSING_ANSWER, ApplicationForm, DraftAnswersForm
from .models import Attachment
from .words import answer_problem, normalize_answer


@login_required
@require_POST
@user_errors("credentials:detail")
def apply(request, slug):
    credential = get_object_or_404(MicroCredential.objects.published(), slug=slug)
    try:
        draft, created = services.submission_apply(learner=request.user, credential=credential)
    except AlreadyApplied as exc:
        return _to_existing_application(request, exc)
    if not created:
        messages.info(
            request, gettext("You already have a draft for this micro-credential; here it is.")
        )
    return redirect(draft)


def _to_existing_application(request, exc: AlreadyApplied):
    """One application per credential: take the learner to theirs, never to a second one."""
    messages.info(request, str(exc))
    return redirect(selectors.application_next_step(exc.submission).url)


SIGNED_OUT_SAVE = gettext_lazy(
    "You were signed out, so your last changes were not saved. Sign in to go back to your "
    "application, where you can restore the text this browser kept for you."
)


def _signed_in_to_edit(view):
    """login_required that, for a form sent after the session ended, says where the text is."""
    protected = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and not request.user.is_authenticated:
            messages.warning(request, SIGNED_OUT_SAVE)
        return protected(request, *args, **kwargs)

    return wrapper


@_signed_in_to_edit
@user_errors()
def detail(request, uuid):
    found = None
    if request.method == "GET":
        # A draft opened again as it was left: its kept blocks, no query (draft_page).
        found = draft_page.lookup(request, uuid)
        if found.blocks is not None:
            return kept_page.respond(request, found.blocks)
    submission = selectors.submission_page_for_learner(uuid=uuid, learner=request.user)
    if not submission.is_editable:
        if request.method == "POST":
            messages.info(request, gettext("This application has already been submitted."))
            return redirect(submission)
        return _render_submitted(request, submission)
    if request.method == "POST":
        return _post_draft(request, submission)
    selectors.draft_page_content(submission)
    if services.draft_refresh_prompts(submission=submission):
        # Staff changed a prompt since the last visit: read the new copies.
        submission = selectors.draft_page_content(
            selectors.submission_page_for_learner(uuid=uuid, learner=request.user)
        )
    form = ApplicationForm(initial={"version": submission.version}, submission=submission)
    blocks = kept_page.render_blocks(request, DRAFT_TEMPLATE, _draft_context(submission, form))
    if found is not None:
        draft_page.keep(found, blocks)
    return kept_page.respond(request, blocks)


DRAFT_TEMPLATE = "submissions/submission_edit.html"


def _render_draft(request, submission, form, *, problems=None, conflict=None, status=200):
    context = _draft_context(submission, form, problems=problems, conflict=conflict)
    return render(request, DRAFT_TEMPLATE, context, status=status)


def _draft_context(submission, form, *, problems=None, conflict=None) -> dict:
    return {
        "submission": submission,
        "credential": submission.credential,
        "form": form,
        "parts": _parts(form.prompt_rows()),
        "problems": problems or [],
        "conflict": conflict,
        "max_file_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
        "max_total_mb": settings.EVIDENCE_MAX_TOTAL_BYTES // (1024 * 1024),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        # A draft keeps the version it was started on; say so once a newer one is out.
        "current_version": credential_current_version(credential=submission.credential),
    }


PART_TITLES = {
    1: gettext_lazy("Part 1: Overview"),
    2: gettext_lazy("Part 2: Evidence"),
    3: gettext_lazy("Part 3: Reflection"),
    4: gettext_lazy("Part 4: Reflection on impact"),
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
    form.is_valid()
    link_ok = form.link_is_valid()
    skipped_files = files_skipped(request)
    if "version" in form.errors:
        messages.error(
            request, gettext("The page was out of date. Please reload it and try again.")
        )
        return redirect(submission)
    data = form.cleaned_data
    changes = services.DraftChanges(
        answers=form.answers(),
        # Too many files for one save: the text is saved, the files are all refused.
        uploads=[] if skipped_files else form.uploads(),
        new_link=form.new_link() if link_ok else None,
        remove_attachments=valid_uuids(request.POST.getlist("remove_attachment")),
        remove_links=[int(x) for x in request.POST.getlist("remove_link") if x.isdigit()],
        collaborators=form.collaborators(),
        resubmission_note=form.resubmission_note(),
    )
    try:
        result = services.draft_save(
            submission=submission, actor=request.user, version=data["version"], changes=changes
        )
    except DraftConflict as exc:
        # Nothing was saved: show the learner their own text and link, and let a
        # second press of Save draft (now carrying the current version) keep them.
        fresh = _rebind(
            request,
            submission,
            exc.current_version,
            keep_link=True,
            missing=form.missing_answers(),
        )
        return _render_draft(request, submission, fresh, conflict=str(exc), status=409)

    submission = selectors.submission_with_content(submission)
    fresh = _rebind(
        request, submission, result.version, keep_link=not link_ok, missing=form.missing_answers()
    )
    if skipped_files:
        fresh.add_error(
            "files", _too_many_files(settings.UPLOAD_MAX_FILES_PER_REQUEST + skipped_files)
        )
    for error in result.upload_errors:
        fresh.add_error("files", error)
    # A refused link needs no copying: the rebound form validates it again.
    refused = form.answer_errors()
    has_errors = bool(result.upload_errors or refused or skipped_files) or not link_ok
    saved_at = _clock(result.saved_at)
    saved = gettext("Draft saved at %(time)s.") % {"time": saved_at}
    if refused:
        saved = gettext(
            "Some answers were not saved; their saved text was kept. "
            "Everything else was saved at %(time)s."
        ) % {"time": saved_at}

    if request.POST.get("action") == "check" and not has_errors:
        services.submission_request_check(submission=submission, actor=request.user)
        messages.success(
            request,
            format_html(
                "{} {}",
                saved,
                format_html(
                    gettext('Your files and links were checked: <a href="#precheck">{}</a>.'),
                    gettext("see the results"),
                ),
            ),
        )
        return redirect(submission.get_absolute_url() + "#precheck")

    if request.POST.get("action") == "submit" and not has_errors:
        was_incomplete = submission.is_incomplete
        try:
            submitted = services.submission_submit(
                submission=submission, actor=request.user, attestations=form.attestations()
            )
        except IncompleteSubmission as exc:
            messages.success(request, saved)
            return _render_draft(request, submission, fresh, problems=exc.problems, status=422)
        if was_incomplete:
            done = gettext(
                "Your application %(reference)s is back with its assessor. There is no new fee."
            )
        else:
            done = gettext("Your application was submitted. Your submission ID is %(reference)s.")
        messages.success(request, done % {"reference": submitted.reference})
        return redirect(submitted)

    if has_errors or result.over_limit:
        messages.warning(request, _attention_message(saved, fresh, result.over_limit))
        return _render_draft(request, submission, fresh, status=422 if has_errors else 200)
    messages.success(request, saved)
    return redirect(submission)


def _attention_message(saved: str, form: ApplicationForm, over_limit: list[int]) -> str:
    """The saved notice, with a link to each field that needs the learner's attention."""
    targets = [
        (f"#{form[name].auto_id}", str(form[name].label))
        for name in form.errors
        if name in form.fields
    ]
    targets += [(f"#{r.anchor}", r.prompt_text) for r in form.responses if r.pk in over_limit]
    links = format_html_join(
        ", ", '<a href="{}">{}</a>', ((href, Truncator(text).chars(60)) for href, text in targets)
    )
    return format_html(
        "{} {}", saved, format_html(gettext("Some items need your attention: {}."), links)
    )


def _clock(moment) -> str:
    """The time of day a save happened, as the reader's language writes it."""
    return time_format(timezone.localtime(moment), gettext("g:i A"))


def _too_many_files(chosen: int) -> str:
    return gettext(
        "You chose %(chosen)s files; one save can add at most %(per_save)s, so none of them "
        "were added (your text was saved). An application holds up to %(most)s files: choose "
        "fewer and save again."
    ) % {
        "chosen": chosen,
        "per_save": settings.UPLOAD_MAX_FILES_PER_REQUEST,
        "most": settings.EVIDENCE_MAX_FILES,
    }


def _rebind(request, submission, version, *, keep_link=False, missing=()):
    """The form as posted, but carrying the current version; added evidence cleared.

    An answer the save did not carry shows its stored text with a message, so
    the page never offers an empty box that a second save would store.
    """
    data = request.POST.copy()
    data["version"] = str(version)
    if not keep_link:
        for name in ("link_title", "link_url", "link_requirement"):
            data.pop(name, None)
    stored = {f"response_{r.pk}": r.text for r in submission.responses.all()}
    for name in missing:
        data[name] = stored.get(name, "")
    form = ApplicationForm(data, submission=submission)
    form.is_valid()
    for name in missing:
        if name in form.fields:
            form.add_error(name, MISSING_ANSWER)
    return form


def _render_submitted(request, submission):
    submission = selectors.submission_with_content(submission)
    rows = [{"response": response} for response in submission.responses.all()]
    return render(
        request,
        "submissions/submission_detail.html",
        {"submission": submission, "credential": submission.credential, "parts": _parts(rows)},
    )


@require_POST
@user_errors(json=True)
def autosave(request, uuid):
    """Background save of the written answers (files and links wait for Save draft).

    Always answers JSON, so the page can tell a lost sign-in (401) from a
    refused answer (422, with the reason per field) and from a network failure.
    Valid answers are saved even when another is refused.
    """
    if not request.user.is_authenticated:
        return signed_out_json()
    saved = _save_answers_at_once(request, uuid)
    if saved is not None:
        return JsonResponse(
            {"ok": True, "version": saved.version, "saved_at": _clock(saved.saved_at)}
        )
    # Something to explain (a conflict, a refused or missing answer, a submitted
    # or unknown application): the form says what, as a Save draft would.
    submission = selectors.draft_answers_for_learner(uuid=uuid, learner=request.user)
    if not submission.is_editable:
        return JsonResponse(
            {"ok": False, "error": gettext("This application has been submitted.")}, status=409
        )
    form = DraftAnswersForm(request.POST, submission=submission)
    form.is_valid()
    if "version" in form.errors:
        return JsonResponse({"ok": False, "error": gettext("The page is out of date.")}, status=400)
    answers, refused = form.answers(), form.answer_errors()
    not_saved = gettext("Some answers were not saved: see the messages beside them.")
    if refused and not answers:
        return JsonResponse({"ok": False, "error": not_saved, "errors": refused}, status=422)
    try:
        result = services.draft_save(
            submission=submission,
            actor=request.user,
            version=form.cleaned_data["version"],
            changes=services.DraftChanges(answers=answers),
        )
    except DraftConflict as exc:
        return JsonResponse(
            {"ok": False, "conflict": True, "error": str(exc), "version": exc.current_version},
            status=409,
        )
    body = {"ok": not refused, "version": result.version, "saved_at": _clock(result.saved_at)}
    if refused:
        return JsonResponse({**body, "error": not_saved, "errors": refused}, status=422)
    return JsonResponse(body)


_ANSWER_NAME = re.compile(r"response_([1-9][0-9]{0,17})")


def _save_answers_at_once(request, uuid) -> services.SaveResult | None:
    """The background save's usual case: a plain version and every answer storable.

    Reads the posted fields the way ``DraftAnswersForm`` does (the last value of
    each name, CRLF as LF) without building it, and saves in one statement;
    None sends the request the full way, which explains what went wrong.
    """
    version = request.POST.get("version", "")
    if not (version.isascii() and version.isdigit() and 0 < int(version) < 2**31):
        return None
    answers = {}
    for name, value in request.POST.items():
        match = _ANSWER_NAME.fullmatch(name)
        if match is None:
            continue
        text = normalize_answer(value)
        if answer_problem(text):
            return None
        answers[int(match[1])] = text
    if not answers:
        return None
    return services.draft_save_answers(
        submission_uuid=uuid, learner=request.user, version=int(version), answers=answers
    )


@login_required
@require_POST
@user_errors("submissions:detail")
def resubmit(request, uuid):
    submission = selectors.submission_get_for_learner(uuid=uuid, learner=request.user)
    try:
        draft = services.submission_resubmit(submission=submission, actor=request.user)
    except AlreadyApplied as exc:
        return _to_existing_application(request, exc)
    messages.success(
        request,
        gettext("Your new attempt starts from %(reference)s: review it, update it and submit.")
        % {"reference": submission.reference},
    )
    return redirect(draft)


@login_required
def attachment_download(request, uuid, attachment_uuid):
    """Serve evidence only to the learner, the assigned assessor or staff."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("submission__credential__organization"),
        uuid=attachment_uuid,
        submission__uuid=uuid,
    )
    if not selectors.can_view_submission(request.user, attachment.submission):
        raise Http404
    # On S3 this is a redirect to a presigned URL that expires in minutes.
    return attachment_response(
        attachment, reader=request.user, inline=request.GET.get("inline") == "1"
    )
