"""Partner admins' pages: API tokens (the secret shown once) and webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import UserFacingError
from programs.models import Partner, PartnerRole

from . import services
from .forms import TokenForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookEndpoint


def _partner_admin(request: HttpRequest, partner_id: int) -> Partner:
    partner = (
        Partner.objects.filter(
            pk=partner_id, members__user=request.user, members__role=PartnerRole.ADMIN
        )
        .select_related("organization")
        .first()
    )
    if partner is None:
        raise Http404
    return partner


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = _partner_admin(request, partner_id)
    form = TokenForm()
    secret = None
    if request.method == "POST" and "revoke" in request.POST:
        token = ApiToken.objects.filter(partner=partner, pk=request.POST.get("revoke")).first()
        if token is None:
            raise Http404
        services.token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token is revoked."))
        return redirect("partner_api:tokens", partner_id=partner.pk)
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _token, secret = services.token_create(
                partner=partner,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                actor=request.user,  # type: ignore[arg-type]
            )
            form = TokenForm()
    return render(
        request,
        "partner_api/tokens.html",
        {
            "partner": partner,
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(partner=partner).order_by("-created_at"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = _partner_admin(request, partner_id)
    form = WebhookForm()
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if form.is_valid():
            try:
                services.webhook_endpoint_create(
                    partner=partner,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    actor=request.user,
                )
            except UserFacingError as exc:
                form.add_error("url", str(exc))
            else:
                messages.success(request, _("The endpoint is registered."))
                return redirect("partner_api:webhooks", partner_id=partner.pk)
    return render(
        request,
        "partner_api/webhooks.html",
        {
            "partner": partner,
            "form": form,
            "endpoints": WebhookEndpoint.objects.filter(partner=partner).order_by("-created_at"),
            "deliveries": WebhookDelivery.objects.filter(endpoint__partner=partner)
            .select_related("endpoint")
            .order_by("-created_at")[:50],
        },
    )
