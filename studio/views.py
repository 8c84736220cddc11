"""The designers' studio: list, create, edit (with autosave), preview, versions, publish.

Every page answers 404 to anyone who is not a designer of the credential's
organization, so nobody else can learn that a draft exists.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from accounts.views import signed_out_json
from core import fragment_cache, kept_page
from core.views import user_errors
from core.widget_html import blocktranslated
from credentials.exceptions import CredentialConflict
from credentials.models import MicroCredential
from credentials.selectors import credential_parts
from submissions.preview import application_preview_context

from . import fragments, selectors, services
from .exceptions import InReview
from .forms import CredentialCreateForm, StudioForm


@login_required
def index(request: HttpRequest) -> HttpResponse:
    organizations = selectors.designer_organizations(user=request.user)
    if not organizations:
        raise Http404
    key = fragment_cache.key(
        "studio-list",
        selectors.studio_list_stamp(organizations=organizations),
        depends=(fragments.ROUNDS, *(fragments.credentials_of(o.pk) for o in organizations)),
    )
    studio_list = fragment_cache.get(key)
    if studio_list is None:
        studio_list = render_to_string(
            "studio/_studio_list.html",
            {"groups": selectors.studio_list(organizations=organizations)},
        )
        fragment_cache.put(key, studio_list)
    return render(
        request,
        "studio/studio_index.html",
        {"studio_list": mark_safe(studio_list)},  # noqa: S308 (rendered by the template)
    )


@login_required
def create(request: HttpRequest, organization: str) -> HttpResponse:
    org = selectors.organization_for_designer(user=request.user, slug=organization)
    form = CredentialCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credential = services.studio_credential_create(
            organization=org,
            actor=request.user,
            title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"],
        )
        messages.success(request, gettext("Credential created. Fill it in; it saves as you type."))
        return redirect("studio:edit", uuid=credential.uuid)
    return render(
        request,
        "studio/credential_create.html",
        {"form": form, "organization": org},
        status=422 if form.is_bound else 200,
    )


def _clock(moment) -> str:
    return time_format(timezone.localtime(moment), gettext("g:i A"))


def _editor_fields(form: StudioForm, credential: MicroCredential, editable: bool) -> str:
    return render_to_string(
        "studio/_editor_fields.html",
        {"form": form, "credential": credential, "editable": editable},
    ).strip()


def _editor_kept(credential: MicroCredential, editable: bool) -> fragment_cache.Kept:
    """The stored fields of a version as loaded: its revision (every studio save takes
    a new one) and change time (any other save of the version), whether it can be
    edited, and the versions its items and the list of topics are kept under
    (``studio.fragments``: saves of a prompt, requirement, criterion or topic);
    looked up with those versions in one round trip."""
    return fragment_cache.lookup(
        "studio-editor-page",
        credential.pk,
        credential.revision,
        credential.updated_at.timestamp(),
        credential.version_status,
        int(editable),
        depends=(fragments.credential_items(credential.pk), fragments.TOPICS),
    )


def _labels(credential: MicroCredential) -> dict[str, str]:
    """The page's title, version and publish button, as the template's ``blocktranslate``
    wrote them (the values localized and escaped): three of those tags cost the page
    more than the rest of its own template."""
    number, title = credential.version, credential.title
    return {
        "title": blocktranslated(
            gettext("Studio: %(title)s, version %(number)s"), title=title, number=number
        ),
        "version": blocktranslated(gettext("Version %(number)s"), number=number),
        "publish": blocktranslated(gettext("Publish version %(number)s"), number=number),
    }


def _render_edit(
    request: HttpRequest,
    credential: MicroCredential,
    form: StudioForm | None,
    *,
    conflict: str = "",
    status: int = 200,
) -> HttpResponse:
    """The edit page; without ``form``, the version as stored, with its fields kept
    rendered until it changes (a long draft has hundreds of them)."""
    editable = credential.is_editable and credential.version_status != "in_review"
    kept = None
    if form is None:
        # The page as stored shows nothing but the version (who may open it is
        # asked before): its blocks are kept whole (``core.kept_page``).
        kept = _editor_kept(credential, editable)
        if isinstance(kept.value, dict):
            # The form built only if read (the page shows the kept blocks).
            lazy_form = SimpleLazyObject(
                lambda: StudioForm(initial={"version": credential.revision}, credential=credential)
            )
            shown = {"credential": credential, "form": lazy_form, "editable": editable}
            return kept_page.respond(request, kept.value, status=status, context=shown)
        selectors.credential_items_load(credential)
        form = StudioForm(initial={"version": credential.revision}, credential=credential)
    context = {
        "credential": credential,
        "labels": _labels(credential),
        "form": form,
        "editor_fields": mark_safe(_editor_fields(form, credential, editable)),  # noqa: S308 (rendered by the template)
        "conflict": conflict,
        "editable": editable,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
    if kept is None:
        return render(request, EDIT_TEMPLATE, context, status=status)
    blocks = kept_page.render_blocks(request, EDIT_TEMPLATE, context)
    fragment_cache.keep(kept, blocks)
    return kept_page.respond(request, blocks, status=status, context=context)


EDIT_TEMPLATE = "studio/credential_edit.html"


@login_required
def edit(request: HttpRequest, uuid) -> HttpResponse:
    if request.method != "POST":
        credential = selectors.credential_for_designer(user=request.user, uuid=uuid, items=False)
        return _render_edit(request, credential, None)
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    form = StudioForm(request.POST, credential=credential)
    form.is_valid()
    if "version" in form.errors:
        messages.error(
            request, gettext("The page was out of date. Please reload it and try again.")
        )
        return redirect("studio:edit", uuid=uuid)
    try:
        result = services.studio_save(
            credential=credential,
            actor=request.user,
            revision=form.cleaned_data["version"],
            changes=form.changes(),
        )
    except CredentialConflict as exc:
        # Nothing was saved: the designer's text stays in the form, and a second
        # press of Save draft (now carrying the current revision) keeps it.
        stored = selectors.credential_for_designer(user=request.user, uuid=uuid)
        form = _rebound(request, stored, exc.current_revision)
        form.flag_unsaved(
            stored={n: f.initial for n, f in StudioForm(credential=stored).fields.items()}
        )
        return _render_edit(request, stored, form, conflict=str(exc), status=409)
    except InReview as exc:
        return _render_edit(
            request,
            credential,
            _rebound(request, credential, credential.revision),
            conflict=str(exc),
            status=409,
        )
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    fresh = _rebound(request, credential, result.revision, drop_positions=True)
    saved = gettext("Saved at %(time)s.") % {"time": _clock(result.saved_at)}
    if form.field_errors():
        fresh.flag_unsaved()
        messages.warning(
            request,
            saved + " " + gettext("Some values were not saved: see the messages beside them."),
        )
        return _render_edit(request, credential, fresh, status=422)
    messages.success(request, saved)
    return redirect(request.path + _return_anchor(form.cleaned_data.get("action"), result))


def _return_anchor(action, result) -> str:
    """Where the page opens after a button: the item added or moved, or its list."""
    if action is None:
        return ""
    if action.verb == "add" and result.added is not None:
        return f"#{action.kind}-{result.added.pk}"
    if action.verb == "move":
        return f"#{action.kind}-{action.item_id}"
    return f"#{action.kind}-list"


def _rebound(request, credential, revision, *, drop_positions=False) -> StudioForm:
    """The form as posted (so refused text stays beside its message) with the
    current revision; rows the save removed or added are read from the database."""
    data = request.POST.copy()
    data["version"] = str(revision)
    data.pop("action", None)
    if drop_positions:
        for name in [n for n in data if n.endswith("_position")]:
            data.pop(name)
    form = StudioForm(data, credential=credential)
    form.is_valid()
    return form


@require_POST
@user_errors(json=True)
def autosave(request: HttpRequest, uuid) -> JsonResponse:
    """Background save of the edit page. Always JSON: 401 signed out, 409 conflict
    or read-only, 422 with the reasons per field (valid values are still saved)."""
    if not request.user.is_authenticated:
        return signed_out_json()
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    form = StudioForm(request.POST, credential=credential)
    form.is_valid()
    if "version" in form.errors:
        return JsonResponse({"ok": False, "error": gettext("The page is out of date.")}, status=400)
    changes = form.changes()
    changes.action = None  # only Save draft and the page's buttons change the lists
    try:
        result = services.studio_save(
            credential=credential,
            actor=request.user,
            revision=form.cleaned_data["version"],
            changes=changes,
        )
    except CredentialConflict as exc:
        return JsonResponse(
            {"ok": False, "conflict": True, "error": str(exc), "version": exc.current_revision},
            status=409,
        )
    except InReview as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409)
    errors = form.field_errors()
    body = {"ok": not errors, "version": result.revision, "saved_at": _clock(result.saved_at)}
    if errors:
        body.update(
            error=gettext("Some values were not saved: see the messages beside them."),
            errors=errors,
        )
        return JsonResponse(body, status=422)
    return JsonResponse(body)


@login_required
@require_POST
@user_errors("studio:edit")
def new_version(request: HttpRequest, uuid) -> HttpResponse:
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    draft = services.studio_version_open(credential=credential, actor=request.user)
    messages.success(
        request,
        gettext("Version %(version)s is open for editing; the published version stays as it is.")
        % {"version": draft.version},
    )
    return redirect("studio:edit", uuid=draft.uuid)


@login_required
@require_POST
@user_errors("studio:edit")
def publish(request: HttpRequest, uuid) -> HttpResponse:
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    services.studio_publish(credential=credential, actor=request.user)
    messages.success(
        request,
        gettext("Version %(version)s is published; learners see it now.")
        % {"version": credential.version},
    )
    return redirect("studio:edit", uuid=uuid)


@login_required
@require_safe
def preview(request: HttpRequest, uuid) -> HttpResponse:
    """The details page exactly as learners will see it, without its buttons."""
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    return render(
        request,
        "credentials/credential_detail.html",
        {
            "credential": credential,
            "parts": credential_parts(credential),
            "is_favorite": False,
            "preview": True,
            "preview_back_url": reverse("studio:edit", kwargs={"uuid": credential.uuid}),
        },
    )


@login_required
@require_safe
def preview_application(request: HttpRequest, uuid) -> HttpResponse:
    """The application page exactly as learners will see it, with nothing to save or submit."""
    credential = selectors.credential_for_designer(user=request.user, uuid=uuid)
    context = application_preview_context(credential=credential, learner=request.user)
    context["preview_back_url"] = reverse("studio:edit", kwargs={"uuid": credential.uuid})
    return render(request, "submissions/submission_edit.html", context)
