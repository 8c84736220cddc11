"""The earner's pages: profile settings, imports, export, connected apps, the
public profile, and the consent page clients send learners to."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from oauth2_provider.views import AuthorizationView
from oauth2_provider.views.dynamic_client_registration import (
    DynamicClientRegistrationManagementView,
    DynamicClientRegistrationView,
)

from . import selectors, services
from .documents import export_archive, profile_url
from .forms import ImportCredentialForm, ProfileSettingsForm
from .openapi import GRANT_TYPES, SCOPE_DESCRIPTIONS


class ConsentView(AuthorizationView):
    """django-oauth-toolkit's authorize endpoint with our consent page; an
    approval is recorded with the scopes given."""

    template_name = "obapi/consent.html"

    def get(self, request, *args, **kwargs):
        # The toolkit refuses "plain" only once the learner approves; refuse it
        # before asking them anything.
        method = request.GET.get("code_challenge_method")
        if method is not None and method != "S256":
            error = {
                "error": "invalid_request",
                "description": gettext('This app uses PKCE "%(method)s"; only S256 is accepted.')
                % {"method": method[:20]},
            }
            return render(request, self.template_name, {"error": error}, status=400)
        response = super().get(request, *args, **kwargs)
        redirect_uri = (getattr(self, "oauth2_data", None) or {}).get("redirect_uri")
        if redirect_uri and response.status_code == 200:
            # Answering the form sends the browser on to the app; the page's
            # form-action policy must allow the address the toolkit validated.
            parts = urlsplit(redirect_uri)
            target = f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
            response._csp_update = {"form-action": [target]}
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scopes = (getattr(self, "oauth2_data", None) or {}).get("scopes") or []
        context["scope_items"] = [SCOPE_DESCRIPTIONS.get(scope, scope) for scope in scopes if scope]
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        location = response.get("Location", "") if hasattr(response, "get") else ""
        if form.cleaned_data.get("allow") and "code=" in location:
            services.consent_record(
                user=self.request.user,  # type: ignore[arg-type]
                application=_application(form.cleaned_data["client_id"]),
                scopes=form.cleaned_data.get("scope", "").split(),
            )
        return response


def _application(client_id: str):
    from oauth2_provider.models import get_application_model

    return get_application_model().objects.get(client_id=client_id)


def _home_context(request, profile_form=None, import_form=None) -> dict:
    profile = services.profile_for(user=request.user)
    return {
        "profile": profile,
        "profile_address": profile_url(profile),
        "profile_form": profile_form or ProfileSettingsForm(instance=profile),
        "import_form": import_form or ImportCredentialForm(),
        "awards": selectors.awards_of(user=request.user),
        "imported": selectors.imported_of(user=request.user),
    }


@login_required
@require_safe
def earner_home(request):
    """The learner's own profile page: settings, imports, export."""
    return render(request, "obapi/earner_home.html", _home_context(request))


@login_required
@require_POST
def profile_save(request):
    profile = services.profile_for(user=request.user)
    form = ProfileSettingsForm(request.POST, instance=selectors.profile_of(user=request.user))
    if form.is_valid():
        try:
            services.profile_update(
                user=request.user,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, gettext("Your profile settings are saved."))
            return redirect("obapi:home")
    # The form bound to the instance changed it in memory: show what is stored.
    profile.refresh_from_db()
    return render(
        request, "obapi/earner_home.html", _home_context(request, profile_form=form), status=400
    )


@login_required
@require_POST
def credential_upload(request):
    form = ImportCredentialForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            imported, created = services.credential_import(
                owner=request.user,
                text="" if upload else form.cleaned_data["text"],
                upload=upload.read() if upload else None,
                filename=upload.name if upload else "",
                actor=request.user,
            )
        except services.NotACredential as exc:
            form.add_error("file" if upload else "text", str(exc))
        else:
            if imported.verified:
                text = gettext("Imported and verified: %(name)s.")
            else:
                text = gettext("Imported, but it did not verify: %(name)s. See why below.")
            if not created:
                text += " " + gettext("It replaced the copy you had imported before.")
            messages.success(request, text % {"name": imported.name or imported.key})
            return redirect("obapi:home")
    return render(
        request, "obapi/earner_home.html", _home_context(request, import_form=form), status=400
    )


@login_required
@require_POST
def imported_visibility(request, imported_uuid):
    """Show or hide an import on the public profile. One not shown to be issued
    to the learner is shown only once they confirm it is theirs (``confirm``)."""
    imported = selectors.imported_get_for_owner(user=request.user, imported_uuid=imported_uuid)
    shown = request.POST.get("show") == "1"
    if shown and request.POST.get("confirm") == "1" and not imported.is_matched:
        services.imported_credential_confirm_holder(imported=imported, actor=request.user)
        messages.success(
            request, gettext("Confirmed as issued to you, and shown on your public profile.")
        )
        return redirect("obapi:home")
    services.imported_credential_set_shown(imported=imported, shown=shown, actor=request.user)
    if shown and not imported.is_theirs:
        messages.warning(
            request,
            gettext(
                "It stays off your public profile until you confirm that it was issued to you."
            ),
        )
    else:
        messages.success(
            request,
            gettext("Shown on your public profile.")
            if shown
            else gettext("Hidden from your profile."),
        )
    return redirect("obapi:home")


@login_required
@require_safe
def export(request):
    """Everything of the learner's own, as one zip; only ever their own."""
    body = export_archive(user=request.user)
    response = HttpResponse(body, content_type="application/zip")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-credentials-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def connected_apps(request):
    return render(
        request,
        "obapi/connected_apps.html",
        {
            "apps": selectors.connected_apps(user=request.user),
            "scope_descriptions": SCOPE_DESCRIPTIONS,
        },
    )


@login_required
@require_POST
def connected_app_revoke(request, application_id):
    apps = {app.id: app for app in selectors.connected_apps(user=request.user)}
    app = apps.get(application_id)
    if app is None:
        messages.info(request, gettext("That app no longer has access."))
        return redirect("obapi:connected_apps")
    services.connected_app_revoke(
        user=request.user, application_id=application_id, actor=request.user
    )
    messages.success(request, gettext("%(name)s no longer has access.") % {"name": app.name})
    return redirect("obapi:connected_apps")


@require_safe
def public_profile(request, key):
    """A published profile; 404 for everyone else while it is not (its owner
    sees a preview)."""
    profile = selectors.profile_public_get(key=key, viewer=request.user)
    return render(
        request,
        "obapi/public_profile.html",
        {
            "profile": profile,
            "preview": not profile.published,
            "name": profile.display_name or profile.user.name,
            "awards": selectors.awards_public_of(user=profile.user),
            "imported": selectors.imported_public_of(user=profile.user),
        },
    )


@require_http_methods(["GET", "HEAD"])
def privacy(request):
    return render(request, "obapi/privacy.html")


def _unoffered_grants(body: bytes) -> list[str]:
    """The grant types a registration asks for that the server metadata does
    not offer: a client registered for them could never reach the API."""
    try:
        metadata = json.loads(body)
    except ValueError:
        return []  # the toolkit answers malformed JSON itself
    grants = metadata.get("grant_types") if isinstance(metadata, dict) else None
    if not isinstance(grants, list):
        return []
    return [g for g in grants if isinstance(g, str) and g not in GRANT_TYPES]


def _refuse_grants(body: bytes) -> JsonResponse | None:
    unoffered = _unoffered_grants(body)
    if not unoffered:
        return None
    return JsonResponse(
        {
            "error": "invalid_client_metadata",
            "error_description": (
                f"Unsupported grant_types: {', '.join(repr(g) for g in unoffered)[:200]}. "
                f"Supported values: {', '.join(GRANT_TYPES)}"
            ),
        },
        status=400,
    )


class RegistrationView(DynamicClientRegistrationView):
    """RFC 7591 registration limited to the grants the server metadata offers:
    the toolkit would register a client_credentials client, whose tokens carry
    no learner and are refused by every endpoint of the API."""

    def post(self, request, *args, **kwargs):
        return _refuse_grants(request.body) or super().post(request, *args, **kwargs)


class RegistrationManagementView(DynamicClientRegistrationManagementView):
    """RFC 7592 client configuration, with the same limit on grants."""

    def put(self, request, client_id, *args, **kwargs):
        return _refuse_grants(request.body) or super().put(request, client_id, *args, **kwargs)
