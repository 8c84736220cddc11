"""Quality pages: self-assessment, a version's rounds, the blind review, the public
summary, the printable record and the reports.

Every page that is not public answers 404 to anyone without the role (the
organization's designers or admins, the assigned reviewer, staff with the
permission), so a stranger cannot even learn that a version or review exists.
"""

from __future__ import annotations

import csv
import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from accounts.views import signed_out_json
from core import fragment_cache
from core.views import user_errors
from core.widget_html import blocktranslated
from credentials.models import MemberRole, MicroCredential
from credentials.selectors import credential_parts

from . import reports, selectors, services
from .exceptions import (
    QualityError,
    ReviewConflict,
    ReviewIncomplete,
    SelfAssessmentConflict,
    SelfAssessmentIncomplete,
)
from .forms import AssignForm, PublishForm, ReviewForm, SelfAssessmentForm, SettleForm, initial_rows
from .fragments import FRAMEWORKS, ROUNDS, organization
from .models import AssignmentStatus, Framework, ReviewAssignment, ReviewRound, RoundStatus
from .rendering import review_components

# A version's content on the review page is kept this long (its key changes with it).
CONTENT_SECONDS = 24 * 3600


def _version(uuid: str) -> MicroCredential:
    try:
        return MicroCredential.objects.select_related("organization").get(uuid=uuid)
    except MicroCredential.DoesNotExist:
        raise Http404 from None


def _designed(request: HttpRequest, uuid: str) -> MicroCredential:
    credential = _version(uuid)
    if not selectors.can_design(user=request.user, credential=credential):
        raise Http404
    return credential


def _designed_or_run(request: HttpRequest, uuid: str) -> MicroCredential:
    credential = _version(uuid)
    if not (
        selectors.can_design(user=request.user, credential=credential)
        or selectors.can_run_rounds(user=request.user, organization=credential.organization)
    ):
        raise Http404
    return credential


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everything quality review asks of the signed-in person.

    The lists are kept per person under her scope (``selectors.home_scope``: her
    organizations by role, and those of the versions she reviews) and the versions
    of what they show (``quality.fragments``: rounds and assignments, each
    organization's name and versions), so a visit reads the scope alone."""
    scope = selectors.home_scope(user=request.user)
    stamp = hashlib.blake2b(repr(scope).encode(), digest_size=16).hexdigest()
    key = fragment_cache.key(
        "quality-home",
        request.user.pk,
        stamp,
        depends=(ROUNDS, *(organization(pk) for pk in sorted({pk for pk, _ in scope}))),
    )
    lists = fragment_cache.get(key)
    if lists is None:
        listed = [pk for pk, role in scope if role in (MemberRole.DESIGNER, MemberRole.ADMIN)]
        running = [pk for pk, role in scope if role == MemberRole.ADMIN]
        reviews = any(role == selectors.ASSIGNED for _, role in scope)
        lists = render_to_string(
            "quality/_home_lists.html",
            {
                "assignments": selectors.assignment_list(user=request.user) if reviews else (),
                "versions": selectors.home_versions(organizations=listed) if listed else (),
                "rounds": selectors.rounds_needing_action(organizations=running) if running else (),
            },
        )
        fragment_cache.put(key, lists)
    return render(
        request,
        "quality/home.html",
        {"lists": mark_safe(lists)},  # noqa: S308 (rendered by the template above)
    )


@login_required
def self_assessment(request: HttpRequest, uuid: str) -> HttpResponse:
    credential = _designed(request, uuid)
    framework = selectors.self_assessment_framework(credential=credential)
    if framework is None:
        messages.error(request, gettext("No quality framework has been loaded yet."))
        return redirect("quality:home")
    assessment, rows = selectors.self_assessment_rows(credential=credential, framework=framework)
    components = [row.component for row in rows]
    revision = assessment.revision if assessment else 0
    conflict = False
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST, components=components)
        if form.is_valid():
            try:
                services.self_assessment_save(
                    credential=credential,
                    actor=request.user,  # type: ignore[arg-type]
                    revision=form.cleaned_data["version"],
                    entries=form.entries(),
                )
            except SelfAssessmentConflict as error:
                # Keep what was typed on the page; say what happened.
                conflict = True
                form.add_error(None, error.message)
            except SelfAssessmentIncomplete as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, gettext("Self-assessment saved."))
                if "submit" in request.POST:
                    return _submit(request, credential)
                return redirect("quality:self_assessment", uuid=credential.uuid)
    else:
        form = SelfAssessmentForm(
            initial={
                "version": revision,
                **initial_rows({r.component.pk: (r.mark, r.note, r.pointer) for r in rows}),
            },
            components=components,
        )
    bound = form.bound_rows()
    return render(
        request,
        "quality/self_assessment.html",
        {
            "credential": credential,
            "framework": framework,
            "form": form,
            "groups": selectors.group_rows(rows),
            "bound": bound,
            "progress": selectors.progress(rows),
            "conflict": conflict,
            "latest": selectors.round_latest(credential=credential),
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        },
        status=409 if conflict else 200 if request.method == "GET" or form.is_valid() else 400,
    )


def _saved_json(form: forms.Form, version: int) -> JsonResponse:
    """A background save's answer in the draft script's terms: the new version, the time,
    and (422) the reasons beside the fields that were refused."""
    body: dict[str, object] = {
        "ok": not form.errors,
        "version": version,
        "saved_at": time_format(timezone.localtime(timezone.now()), gettext("g:i A")),
    }
    if not form.errors:
        return JsonResponse(body)
    body.update(
        error=gettext("Some values were not saved: see the messages beside them."),
        errors={name: [str(e) for e in errors] for name, errors in form.errors.items()},
    )
    return JsonResponse(body, status=422)


@require_POST
def self_assessment_autosave(request: HttpRequest, uuid: str) -> JsonResponse:
    """Background save of the self-assessment page. Always JSON: 401 signed out, 409 a
    conflict with another tab or a version in review, 422 with the reasons per field
    (the components whose fields are valid are still saved)."""
    if not request.user.is_authenticated:
        return signed_out_json()
    credential = _designed(request, uuid)
    framework = selectors.self_assessment_framework(credential=credential)
    if framework is None:
        raise Http404
    components = list(selectors.framework_components(framework=framework))
    form = SelfAssessmentForm(request.POST, components=components)
    form.is_valid()
    if "version" in form.errors:
        return JsonResponse({"ok": False, "error": gettext("The page is out of date.")}, status=400)
    try:
        assessment = services.self_assessment_save(
            credential=credential,
            actor=request.user,  # type: ignore[arg-type]
            revision=form.cleaned_data["version"],
            entries=form.entries(),
        )
    except SelfAssessmentConflict as error:
        current = selectors.self_assessment_get(credential=credential)
        return JsonResponse(
            {
                "ok": False,
                "conflict": True,
                "error": error.message,
                "version": current.revision if current else 0,
            },
            status=409,
        )
    except QualityError as error:
        return JsonResponse({"ok": False, "error": error.message}, status=409)
    return _saved_json(form, assessment.revision)


def _submit(request: HttpRequest, credential: MicroCredential) -> HttpResponse:
    try:
        review_round = services.round_open(credential=credential, actor=request.user)  # type: ignore[arg-type]
    except SelfAssessmentIncomplete as error:
        messages.error(request, error.message)
        return redirect("quality:self_assessment", uuid=credential.uuid)
    messages.success(
        request,
        gettext("Round %(number)s is open: reviewers will be assigned.")
        % {"number": review_round.number},
    )
    return redirect("quality:version", uuid=credential.uuid)


@login_required
@require_POST
@user_errors("quality:version")
def submit(request: HttpRequest, uuid: str) -> HttpResponse:
    return _submit(request, _designed(request, uuid))


@login_required
def version(request: HttpRequest, uuid: str) -> HttpResponse:
    """A version's review rounds with per-component feedback, and what can be done next.

    What a designer reads is kept (``_version_key``); an organization admin's page
    (reviewers by name, the forms to assign and settle) is always read afresh."""
    try:
        credential, designs, runs = selectors.version_access(user=request.user, uuid=uuid)
    except MicroCredential.DoesNotExist:
        raise Http404 from None
    if not (designs or runs):
        raise Http404
    can_override = selectors.has_perm(request.user, "quality.override_gate")
    key = None if runs else _version_key(credential, can_override)
    body = fragment_cache.get(key) if key else None
    if body is None:
        body = _version_body(credential, designs=designs, runs=runs, can_override=can_override)
        if key:
            fragment_cache.put(key, body)
    return render(
        request,
        "quality/version.html",
        {"credential": credential, "body": _with_csrf(body, request)},
    )


def _version_key(credential: MicroCredential, can_override: bool) -> str:
    """A version's rounds page as its designers read it: the version as saved (its
    change time), whether the reader may override the gate, the rounds and
    assignments (``ROUNDS``: a round opening, moving, settled or ending, a reviewer
    assigned or submitting), the frameworks' wording, and the organization's name
    and setting. It names reviewers by number only, so every designer reads the
    same page; staff allowed to override read their own."""
    return fragment_cache.key(
        "quality-version",
        credential.pk,
        credential.updated_at.timestamp(),
        int(can_override),
        depends=(ROUNDS, FRAMEWORKS, organization(credential.organization_id)),
    )


# Stands for the form token in a kept page; each visit puts its own in (``_with_csrf``).
_CSRF_MARK = "kept-csrf-token"
_CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_MARK}">'


def _with_csrf(body: str, request: HttpRequest) -> str:
    return mark_safe(body.replace(_CSRF_INPUT, str(csrf_input(request))))  # noqa: S308 (rendered by the template)


def _version_body(
    credential: MicroCredential, *, designs: bool, runs: bool, can_override: bool
) -> str:
    rounds = selectors.round_list(credential=credential)
    latest = rounds[0] if rounds else None
    assign_form = settle_rows = None
    if latest is not None and runs and latest.status in (RoundStatus.OPEN, RoundStatus.SETTLING):
        assign_form = AssignForm(eligible=selectors.eligible_reviewers(round=latest))
    findings_keys = _findings_keys([r for r in rounds if r.is_closed])
    findings = _closed_findings(findings_keys)
    feedback = selectors.rounds_feedback_rows(
        rounds=[
            r
            for r in rounds
            if (r.is_closed and r.pk not in findings) or r.status == RoundStatus.SETTLING
        ]
    )
    for review_round in rounds:
        if review_round.is_closed and review_round.pk not in findings:
            findings[review_round.pk] = _findings_put(
                findings_keys[review_round.pk], review_round, feedback[review_round.pk]
            )
    if latest is not None and latest.status == RoundStatus.SETTLING:
        settle_rows = [
            row
            for row in feedback[latest.pk]
            if row.result and row.result.disagreement and not row.result.mark
        ]
    return render_to_string(
        "quality/_version_body.html",
        {
            "credential": credential,
            "rounds": [(r, feedback.get(r.pk), findings.get(r.pk)) for r in rounds],
            "latest": latest,
            "can_design": designs,
            "runs": runs,
            "assign_form": assign_form,
            "settle_rows": settle_rows,
            "settle_form": SettleForm(),
            "publish_form": PublishForm(),
            "can_override": can_override,
            "setting": selectors.setting_of(organization=credential.organization),
            "csrf_token": _CSRF_MARK,
        },
    )


def _findings_keys(rounds: list[ReviewRound]) -> dict[int, str]:
    """The keys of closed rounds' findings tables, by round id: the round, its status
    and close time, under the frameworks' version (read once for all rounds)."""
    if not rounds:
        return {}
    prefix = fragment_cache.key("quality-findings", depends=(FRAMEWORKS,))
    return {
        r.pk: f"{prefix}:{r.pk}:{r.status}:{r.closed_at.timestamp() if r.closed_at else ''}"
        for r in rounds
    }


def _closed_findings(keys: dict[int, str]) -> dict[int, str]:
    """The findings tables of closed rounds rendered before, by round id.

    A closed round's results and scores never change (settling and reviewing stop
    when it closes), and the table names reviewers by number only, so one
    rendering serves every reader of the version page; a framework's wording is
    part of the key through its version."""
    if not keys:
        return {}
    found = cache.get_many(list(keys.values()))
    return {
        pk: mark_safe(found[key])  # noqa: S308 (rendered by _findings_put)
        for pk, key in keys.items()
        if key in found
    }


def _findings_put(key: str, review_round: ReviewRound, rows: list) -> str:
    html = (
        render_to_string("quality/_feedback.html", {"review_round": review_round, "rows": rows})
        if rows
        else ""
    )
    fragment_cache.put(key, html)
    return mark_safe(html)  # noqa: S308 (rendered by the template above)


def _round_for_admin(request: HttpRequest, uuid: str) -> ReviewRound:
    try:
        review_round = ReviewRound.objects.select_related(
            "credential", "credential__organization", "framework"
        ).get(uuid=uuid)
    except ReviewRound.DoesNotExist:
        raise Http404 from None
    if not selectors.can_run_rounds(
        user=request.user, organization=review_round.credential.organization
    ):
        raise Http404
    return review_round


def _back_to_version(request: HttpRequest, uuid: str) -> str:
    review_round = ReviewRound.objects.select_related("credential").filter(uuid=uuid).first()
    return reverse("quality:version", args=[review_round.credential.uuid]) if review_round else "/"


@login_required
@require_POST
@user_errors(_back_to_version)
def assign(request: HttpRequest, uuid: str) -> HttpResponse:
    review_round = _round_for_admin(request, uuid)
    settles = review_round.status == RoundStatus.SETTLING
    form = AssignForm(request.POST, eligible=selectors.eligible_reviewers(round=review_round))
    if form.is_valid():
        created = services.round_assign(
            review_round=review_round,
            reviewers=list(form.cleaned_data["reviewers"]),
            actor=request.user,  # type: ignore[arg-type]
            settles=settles,
        )
        messages.success(
            request,
            gettext("%(count)s reviewer(s) assigned.") % {"count": len(created)},
        )
    else:
        messages.error(request, gettext("Choose the reviewers for this round."))
    return redirect("quality:version", uuid=review_round.credential.uuid)


@login_required
@require_POST
@user_errors(_back_to_version)
def settle(request: HttpRequest, uuid: str) -> HttpResponse:
    review_round = _round_for_admin(request, uuid)
    form = SettleForm(request.POST)
    if form.is_valid():
        services.round_settle(
            review_round=review_round,
            component_id=form.cleaned_data["component"],
            mark=form.cleaned_data["mark"],
            note=form.cleaned_data["note"].strip(),
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, gettext("Component settled."))
    else:
        messages.error(request, gettext("Choose met or not yet met."))
    return redirect("quality:version", uuid=review_round.credential.uuid)


@login_required
@require_POST
@user_errors("quality:version")
def publish(request: HttpRequest, uuid: str) -> HttpResponse:
    credential = _designed_or_run(request, uuid)
    form = PublishForm(request.POST)
    form.is_valid()
    services.version_publish(
        credential=credential,
        actor=request.user,  # type: ignore[arg-type]
        override_reason=form.cleaned_data.get("override_reason", ""),
    )
    messages.success(request, gettext("Published: learners can now find and apply for it."))
    return redirect("quality:version", uuid=credential.uuid)


@login_required
def review(request: HttpRequest, uuid: str) -> HttpResponse:
    """The blind review page: the credential's content, the designer's claims (never the
    designer's name) and this reviewer's marks; others' marks only after submitting."""
    try:
        assignment = selectors.assignment_for_reviewer(uuid=uuid, user=request.user)
    except ReviewAssignment.DoesNotExist:
        raise Http404 from None
    status = 200
    content_key = _review_content_key(assignment.round.credential)
    kept = None
    if request.method != "POST" and assignment.status != AssignmentStatus.SUBMITTED:
        kept = _review_form_kept(assignment, content_key)
        content = kept.others[content_key]
        if kept.value is not None:
            # The form as this reviewer left it, rendered before; built only if read.
            form = SimpleLazyObject(lambda: _review_form_initial(assignment, []))
            return _review_render(request, assignment, form, kept.value, content, status, errors=[])
    else:
        content = cache.get(content_key)
    rows = selectors.review_rows(assignment=assignment)
    if request.method == "POST":
        form = ReviewForm(request.POST, components=[r.component for r in rows])
        if form.is_valid():
            try:
                assignment = services.review_save(
                    assignment=assignment,
                    actor=request.user,  # type: ignore[arg-type]
                    revision=form.cleaned_data["version"],
                    scores=form.scores(),
                    ratings=form.ratings(assignment),
                )
                if "submit" in request.POST:
                    services.review_submit(assignment=assignment, actor=request.user)  # type: ignore[arg-type]
                    messages.success(request, gettext("Review submitted. Thank you."))
                else:
                    messages.success(request, gettext("Review saved."))
                return redirect("quality:review", uuid=assignment.uuid)
            except (ReviewConflict, ReviewIncomplete) as error:
                form.add_error(None, error.message)
                # Saved already (incomplete submit): the page continues from the new revision.
                form.data = form.data.copy()
                form.data["version"] = str(assignment.revision)
                status = 409 if isinstance(error, ReviewConflict) else 400
        else:
            status = 400
    else:
        form = _review_form_initial(assignment, rows)
    others = (
        selectors.round_feedback_rows(round=assignment.round)
        if selectors.others_visible(assignment=assignment)
        else None
    )
    submitted = assignment.status == AssignmentStatus.SUBMITTED
    rendered = {
        "version": str(form["version"]),
        "components": str(
            review_components(
                selectors.group_rows(rows),
                form.bound_rows(),
                {row.component.pk: row for row in others} if others else None,
                submitted=submitted,
            )
        ),
        "ratings": ""
        if submitted
        else render_to_string("quality/_review_ratings.html", {"form": form}),
    }
    if kept is not None:
        fragment_cache.keep(kept, rendered)
    return _review_render(
        request, assignment, form, rendered, content, status, errors=form.non_field_errors()
    )


def _review_form_initial(
    assignment: ReviewAssignment, rows: list[selectors.ComponentRow]
) -> ReviewForm:
    """The review form as saved: the reviewer's marks and notes, ratings and comments."""
    return ReviewForm(
        initial={
            "version": assignment.revision,
            "scope": assignment.scope,
            "clarity": assignment.clarity,
            "ease_of_use": assignment.ease_of_use,
            "comments": assignment.comments,
            **initial_rows({r.component.pk: (r.mark, r.note, "") for r in rows}),
        },
        components=[r.component for r in rows],
    )


def _review_labels(assignment: ReviewAssignment) -> dict[str, str]:
    """The page's title, round and framework, as the template's ``blocktranslate`` wrote
    them (the values localized and escaped): those tags cost the page more than the
    rest of its own template."""
    review_round = assignment.round
    return {
        "title": blocktranslated(
            gettext("Quality review: %(title)s"), title=review_round.credential.title
        ),
        "round": blocktranslated(gettext("Round %(number)s"), number=review_round.number),
        "framework": blocktranslated(
            gettext("Against %(framework)s"), framework=review_round.framework.label
        ),
    }


def _review_render(
    request: HttpRequest,
    assignment: ReviewAssignment,
    form: ReviewForm,
    rendered: dict[str, str],
    content: str | None,
    status: int,
    *,
    errors: list[str],
) -> HttpResponse:
    """The review page around its form's rendered parts (``version``, ``components``,
    ``ratings``: escaped when built) and the version's content (None: not kept yet)."""
    credential = assignment.round.credential
    if content is None:
        content = _review_content(credential)
    return render(
        request,
        "quality/review.html",
        {
            "assignment": assignment,
            "round": assignment.round,
            "credential": credential,
            "labels": _review_labels(assignment),
            "content": mark_safe(content),  # noqa: S308 (rendered by _review_content)
            "form": form,
            "non_field_errors": errors,
            "version_field": mark_safe(rendered["version"]),  # noqa: S308 (see above)
            "components": mark_safe(rendered["components"]),  # noqa: S308 (see above)
            "ratings": mark_safe(rendered["ratings"]),  # noqa: S308 (see above)
            "submitted": assignment.status == AssignmentStatus.SUBMITTED,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        },
        status=status,
    )


def _review_form_kept(assignment: ReviewAssignment, content_key: str) -> fragment_cache.Kept:
    """The form of a review not yet submitted, as loaded (its version field, the
    components and the ratings): this reviewer's marks, ratings and comments (every
    save of hers takes a new revision), the designer's claims (the self-assessment's
    revision, read with the assignment) and the framework's wording. Only the
    assigned reviewer opens the page, and the claims never name the designer; a
    submitted review (which shows the other reviewers' feedback) is not kept.

    Looked up with the version's kept content (``content_key``) in one round trip."""
    return fragment_cache.lookup(
        "quality-review-form",
        assignment.pk,
        assignment.revision,
        assignment.status,
        assignment.claims_revision,  # type: ignore[attr-defined]
        depends=(FRAMEWORKS,),
        others=(content_key,),
    )


def _review_content_key(credential: MicroCredential) -> str:
    return (
        f"quality:review-content:{credential.pk}:{credential.revision}:"
        f"{credential.updated_at.timestamp()}:{get_language()}"
    )


def _review_content(credential: MicroCredential) -> str:
    """The credential as learners will read it, for the review page.

    Cached per version, revision and last change: a version in review does not
    change (the studio refuses to save it), and any save, from the studio or the
    admin, moves the revision or the change time and so the key."""
    full = selectors.review_credential(pk=credential.pk)
    content = render_to_string(
        "credentials/_credential_content.html",
        {"credential": full, "parts": credential_parts(full)},
    )
    cache.set(_review_content_key(credential), content, CONTENT_SECONDS)
    return content


@require_POST
def review_autosave(request: HttpRequest, uuid: str) -> JsonResponse:
    """Background save of the review page, for the assigned reviewer only. Always JSON:
    401 signed out, 409 submitted already or saved in another tab, 422 with the reasons
    per field (the valid values are still saved)."""
    if not request.user.is_authenticated:
        return signed_out_json()
    try:
        assignment = selectors.assignment_for_reviewer(uuid=uuid, user=request.user)
    except ReviewAssignment.DoesNotExist:
        raise Http404 from None
    components = list(selectors.framework_components(framework=assignment.round.framework))
    form = ReviewForm(request.POST, components=components)
    form.is_valid()
    if "version" in form.errors:
        return JsonResponse({"ok": False, "error": gettext("The page is out of date.")}, status=400)
    try:
        saved = services.review_save(
            assignment=assignment,
            actor=request.user,  # type: ignore[arg-type]
            revision=form.cleaned_data["version"],
            scores=form.scores(),
            ratings=form.ratings(assignment),
        )
    except ReviewConflict as error:
        current = ReviewAssignment.objects.only("revision").get(pk=assignment.pk)
        return JsonResponse(
            {"ok": False, "conflict": True, "error": error.message, "version": current.revision},
            status=409,
        )
    except QualityError as error:
        return JsonResponse({"ok": False, "error": error.message}, status=409)
    return _saved_json(form, saved.revision)


def summary(request: HttpRequest, uuid: str) -> HttpResponse:
    """Public: which components a published credential met in its passing round."""
    try:
        review_round = selectors.summary_round(uuid=uuid)
    except ReviewRound.DoesNotExist:
        raise Http404 from None
    rows = selectors.round_feedback_rows(round=review_round)
    return render(
        request,
        "quality/summary.html",
        {
            "round": review_round,
            "credential": review_round.credential,
            "groups": selectors.group_rows(rows),
        },
    )


@login_required
def record(request: HttpRequest, uuid: str) -> HttpResponse:
    """Printable quality record of a version: self-assessment, rounds, overrides."""
    credential = _version(uuid)
    if not (
        request.user.has_perm("quality.view_quality_report")
        or selectors.can_design(user=request.user, credential=credential)
        or selectors.can_run_rounds(user=request.user, organization=credential.organization)
    ):
        raise Http404
    framework = selectors.self_assessment_framework(credential=credential)
    rows = (
        selectors.self_assessment_rows(credential=credential, framework=framework)[1]
        if framework
        else []
    )
    rounds = selectors.round_list(credential=credential)
    feedback = selectors.rounds_feedback_rows(rounds=rounds)
    return render(
        request,
        "quality/record.html",
        {
            "credential": credential,
            "framework": framework,
            "self_groups": selectors.group_rows(rows),
            "progress": selectors.progress(rows),
            "rounds": [(r, selectors.group_rows(feedback[r.pk])) for r in rounds],
            "overrides": credential.quality_overrides.select_related("actor"),
        },
    )


def _reports_allowed(request: HttpRequest) -> None:
    if not request.user.has_perm("quality.view_quality_report"):
        raise Http404


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    _reports_allowed(request)
    return render(
        request,
        "quality/report_index.html",
        {"frameworks": Framework.objects.select_related("organization")},
    )


def _framework(uuid: str) -> Framework:
    try:
        return Framework.objects.select_related("base", "organization").get(uuid=uuid)
    except Framework.DoesNotExist:
        raise Http404 from None


@login_required
def report(request: HttpRequest, uuid: str) -> HttpResponse:
    _reports_allowed(request)
    framework = _framework(uuid)
    return render(
        request,
        "quality/report.html",
        {"framework": framework, "report": reports.framework_report(framework=framework)},
    )


@login_required
def report_csv(request: HttpRequest, uuid: str) -> HttpResponse:
    _reports_allowed(request)
    framework = _framework(uuid)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quality-report-{framework.uuid}.csv"'
    writer = csv.writer(response)
    for line in reports.framework_report_rows(framework=framework):
        writer.writerow(line)
    return response
