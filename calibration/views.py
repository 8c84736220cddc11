"""Calibration pages: an assessor's calibrations, scoring anchors blind, the
results; staff anchors; the quality dashboard; public turnaround figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from core.views import user_errors
from credentials.models import MicroCredential, Organization
from submissions.models import Attachment
from submissions.uploads import evidence_extension

from . import charts, figures, services
from .exceptions import CalibrationError
from .forms import AnchorForm, AnchorScoringForm, DashboardFilterForm
from .models import CalibrationAttempt, CalibrationSet
from .selectors import dashboards, sets, turnaround


@login_required
def home(request):
    """The assessor's calibration sets, and staff links."""
    return render(
        request,
        "calibration/calibration_home.html",
        {
            "calibrations": sets.sets_for_assessor(user=request.user),
            "can_manage": sets.can_manage(request.user),
            "sees_every_assessor": sets.sees_every_assessor(request.user),
        },
    )


@login_required
@require_POST
@user_errors("calibration:home")
def start(request, uuid):
    calibration_set = _get(CalibrationSet.objects.filter(is_active=True), uuid=uuid)
    attempt = services.attempt_start(calibration_set=calibration_set, actor=request.user)
    return redirect("calibration:attempt", uuid=attempt.uuid)


def _attempt(request, uuid) -> CalibrationAttempt:
    try:
        return sets.attempt_get_for_user(uuid=uuid, user=request.user)
    except (CalibrationAttempt.DoesNotExist, ValueError):
        raise Http404("No such calibration.") from None


@login_required
def attempt(request, uuid):
    """An open attempt: the anchors to score. A submitted one: the true scores,
    the rationales and the assessor's own marks beside them."""
    current = _attempt(request, uuid)
    anchors = sets.attempt_anchors(attempt=current)
    return render(
        request,
        "calibration/attempt_detail.html",
        {"attempt": current, "anchors": anchors, "done": sum(a.is_complete for a in anchors)},
    )


@login_required
@user_errors("calibration:attempt")
def anchor(request, uuid, number):
    """One anchor, blind: its text and evidence under neutral names, and the
    assessor's marks. Saving moves on to the next anchor."""
    current = _attempt(request, uuid)
    anchors = sets.attempt_anchors(attempt=current)
    if not 1 <= number <= len(anchors):
        raise Http404("No such anchor.")
    view = anchors[number - 1]
    if not current.is_open:
        return redirect("calibration:attempt", uuid=current.uuid)
    initial: dict[str, str | None] = {
        f"met_{cid}": ("met" if met else "not_met") for cid, met in view.marks.items()
    }
    initial["outcome"] = view.answer.outcome if view.answer else None
    form = AnchorScoringForm(request.POST or None, criteria=view.criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.attempt_answer_save(
            attempt_id=current.pk,
            anchor=view.anchor,
            outcome=form.cleaned_data["outcome"],
            marks=form.marks(),
            actor=request.user,
        )
        messages.success(request, gettext("Anchor %(n)s saved.") % {"n": number})
        if number < len(anchors):
            return redirect("calibration:anchor", uuid=current.uuid, number=number + 1)
        return redirect("calibration:attempt", uuid=current.uuid)
    return render(
        request,
        "calibration/anchor_score.html",
        {
            "attempt": current,
            "view": view,
            "form": form,
            "count": len(anchors),
            "evidence": list(enumerate(view.anchor.evidence, start=1)),
        },
    )


@login_required
def anchor_evidence(request, uuid, number, item):
    """An anchor's evidence file, for the calibrating assessor, under a neutral
    name (the learner's file name and the application's ID stay hidden)."""
    current = _attempt(request, uuid)
    anchors = sets.attempt_anchors(attempt=current)
    if not 1 <= number <= len(anchors):
        raise Http404("No such anchor.")
    evidence = anchors[number - 1].anchor.evidence
    if not 1 <= item <= len(evidence) or not evidence[item - 1].get("attachment_id"):
        raise Http404("No such file.")
    attachment = get_object_or_404(Attachment, pk=evidence[item - 1]["attachment_id"])
    extension = evidence_extension(attachment.content_type, attachment.original_name)
    filename = f"anchor-{number}-evidence-{item}{extension}"
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
@user_errors("calibration:attempt")
def submit(request, uuid):
    current = _attempt(request, uuid)
    result = services.attempt_submit(attempt_id=current.pk, actor=request.user)
    if result.state == "passed":
        messages.success(
            request,
            gettext("You passed this calibration: you are certified until %(date)s.")
            % {"date": result.certified_until.date() if result.certified_until else ""},
        )
    else:
        messages.info(
            request,
            gettext("Not passed this time. Read the true scores and rationales, then try again."),
        )
    return redirect("calibration:attempt", uuid=current.uuid)


# --- staff -------------------------------------------------------------------------------


def _manager(request) -> None:
    if not sets.can_manage(request.user):
        raise PermissionDenied


def _get(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404("Not found.") from None


@login_required
def set_list(request):
    _manager(request)
    return render(request, "calibration/set_list.html", {"sets": sets.set_list()})


@login_required
def set_detail(request, uuid):
    _manager(request)
    calibration_set = _get(CalibrationSet.objects.select_related("credential"), uuid=uuid)
    return render(
        request,
        "calibration/set_detail.html",
        {
            "calibration_set": calibration_set,
            "anchors": sets.set_anchors(calibration_set=calibration_set),
        },
    )


@login_required
def anchor_new(request, uuid):
    """Make a decided application an anchor (``?reference=``), or write one."""
    _manager(request)
    calibration_set = _get(
        CalibrationSet.objects.select_related("credential", "organization"), uuid=uuid
    )
    reference = request.GET.get("reference", "").strip()
    submission = sets.decided_submission(reference=reference) if reference else None
    if reference and submission is None:
        messages.error(request, gettext("No decided application has that ID."))
        return redirect("calibration:set", uuid=calibration_set.uuid)
    credential: MicroCredential | None
    if submission is not None:
        parts, criteria, initial = sets.anchor_draft(submission=submission)
        credential = submission.credential
    else:
        credential = calibration_set.credential or _first_credential(calibration_set)
        if credential is None:
            messages.error(request, gettext("The organization has no credential yet."))
            return redirect("calibration:set", uuid=calibration_set.uuid)
        parts = [
            {"part": str(p.part), "prompt": p.text, "text": ""} for p in credential.prompts.all()
        ]
        criteria = [
            {"id": c.pk, "title": c.title, "description": c.description}
            for c in credential.rubric_criteria.all()
        ]
        initial = {}
    form = AnchorForm(
        request.POST or None,
        parts=parts,
        criteria=criteria,
        consented=submission is not None,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        scores = {
            cid: services.TrueScore(met=met, rationale=why)
            for cid, (met, why) in form.scores().items()
        }
        common = {
            "calibration_set": calibration_set,
            "content": form.content(),
            "true_outcome": form.cleaned_data["true_outcome"],
            "rationale": form.cleaned_data["rationale"],
            "scores": scores,
            "actor": request.user,
        }
        try:
            if submission is not None:
                services.anchor_create_from_submission(
                    submission=submission, consent_note=form.cleaned_data["consent_note"], **common
                )
            else:
                services.anchor_create_synthetic(credential=credential, **common)
        except CalibrationError as error:
            # Shown beside the form, with everything typed kept.
            form.add_error(None, error.message)
        else:
            messages.success(request, gettext("Anchor added."))
            return redirect("calibration:set", uuid=calibration_set.uuid)
    return render(
        request,
        "calibration/anchor_form.html",
        {"calibration_set": calibration_set, "form": form, "submission": submission},
    )


def _first_credential(calibration_set: CalibrationSet) -> MicroCredential | None:
    return (
        MicroCredential.objects.filter(organization__calibration_sets=calibration_set)
        .order_by("title")
        .first()
    )


# --- dashboards and public figures ----------------------------------------------------------


# The drift chart's twelve months and the turnaround's ninety days move with the
# calendar: figures are at most this old even when nothing was decided.
FIGURES_SECONDS = 15 * 60


def _filter_key(request) -> str | None:
    """The part of a cache key the credential filter makes, or None for a filter
    that is not a plain id (shown as sent, with its error, and not kept)."""
    raw = request.GET.get("credential", "")
    if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        return None
    return f"{int(bool(request.GET))}:{raw}"


@login_required
def quality(request):
    """Agreement and quality: every assessor for staff with the permission, one's
    own figures for anyone else who assesses.

    The figures cover the whole history, so the content is rendered once per
    version of the decisions (``calibration.figures``) and filter, and kept."""
    everyone = sets.sees_every_assessor(request.user)
    filter_key = _filter_key(request)
    key = None
    if filter_key is not None:
        who = "all" if everyone else f"assessor-{request.user.pk}"
        key = figures.key_for(f"quality:{who}:{filter_key}")
    content = figures.get_or_recent(key) if key else None
    context: dict = {}
    if content is None:
        context = _quality_figures(request, everyone=everyone)
        content = render_to_string("calibration/_quality_dashboard.html", context)
        if key and context["form"].errors == {}:
            figures.put(key, content, FIGURES_SECONDS)
    return render(request, "calibration/quality_dashboard.html", {**context, "content": content})


def _quality_figures(request, *, everyone: bool) -> dict:
    form = DashboardFilterForm(
        request.GET or None, credentials=MicroCredential.objects.order_by("title", "version")
    )
    credential = form.cleaned_data["credential"] if form.is_valid() else None
    board = dashboards.quality_dashboard(
        credential_id=credential.pk if credential else None,
        assessor_id=None if everyone else request.user.pk,
    )
    months = [row.month.strftime("%Y-%m") for row in board.months]
    drift = charts.line_chart(
        months,
        [
            (gettext("Agreement between assessors"), [r.criteria.percent for r in board.months]),
            (gettext("Award rate"), [r.award_percent for r in board.months]),
        ],
        title=gettext("Agreement and award rate by month"),
    )
    leniency = charts.bar_chart(
        [(row.label, row.award_percent) for row in board.assessors],
        title=gettext("Award rate by assessor"),
    )
    return {
        "board": board,
        "form": form,
        "everyone": everyone,
        "drift_chart": drift,
        "leniency_chart": leniency,
    }


def organization_turnaround(request, slug):
    """Public: how long decisions take at an organization, and per credential.
    Rendered once per version of the decisions and kept (``FIGURES_SECONDS`` at
    most, as the window moves with the calendar)."""
    key = figures.key_for(f"turnaround:{slug}")
    page = figures.get_or_recent(key)
    context: dict = {}
    if page is None:
        organization = get_object_or_404(Organization, slug=slug)
        overall, per_credential = turnaround.organization_turnaround(organization=organization)
        context = {
            "organization": organization,
            "overall": overall,
            "per_credential": per_credential,
        }
        page = {
            "organization_name": organization.name,
            "content": render_to_string("calibration/_organization_turnaround.html", context),
        }
        figures.put(key, page, FIGURES_SECONDS)
    return render(request, "calibration/organization_turnaround.html", {**context, **page})
