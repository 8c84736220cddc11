"""Stack pages: the stack with the learner's progress, its achievement, and
the stack award with its downloads and verification."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from badges import verifier
from core.views import user_errors

from . import documents, stacks
from .services.stacks import external_achievement_accept

VIEW_AWARD = "programs.view_stackaward"
JSON_LD = "application/ld+json"
VC_JWT = "application/vc+jwt"
DOCUMENTS = ("credential.json", "credential.jwt", "clr.json", "clr.jwt")


@require_safe
def stack_list(request):
    all_stacks = list(stacks.published_stacks())
    progress = stacks.progress_for(request.user, all_stacks)
    can_design = request.user.is_authenticated and _design_organizations(request.user).exists()
    return render(
        request, "programs/stack_list.html", {"progress": progress, "can_design": can_design}
    )


@require_safe
def stack_detail(request, slug):
    stack = stacks.stack_get(slug=slug)
    [progress] = stacks.progress_for(request.user, [stack])
    has_external = any(m.kind == "external" for m in progress.missing)
    return render(
        request,
        "programs/stack_detail.html",
        {"stack": stack, "progress": progress, "has_external": has_external},
    )


@require_POST
@login_required
@user_errors("stacks:stack")
def stack_external(request, slug):
    """Accept a verified Open Badge from another issuer as a stack member."""
    stack = stacks.stack_get(slug=slug)
    text = request.POST.get("credential", "").strip()
    upload = request.FILES.get("file")
    if upload is not None and not text:
        text = upload.read(2 * 1024 * 1024).decode("utf-8", errors="replace").strip()
    if not text:
        messages.error(request, _("Paste the badge (its JSON or VC-JWT) or choose its file."))
        return redirect("stacks:stack", slug=stack.slug)
    external = external_achievement_accept(learner=request.user, text=text)
    messages.success(
        request,
        _("%(name)s verified and counted.") % {"name": external.name or external.achievement_id},
    )
    return redirect("stacks:stack", slug=stack.slug)


@require_safe
def stack_achievement(request, stack_uuid):
    stack = stacks.published_stacks().filter(uuid=stack_uuid).first()
    if stack is None:
        raise Http404
    names = [str(m) for m in stack.members.all()]
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", documents.badge_documents.OB3_CONTEXT],
        **documents.achievement(stack, names),
    }
    return JsonResponse(document, content_type=JSON_LD, json_dumps_params={"indent": 2})


def _visible_award(request, award_uuid):
    """The award for its earner and staff granted the view permission; 404 for anyone else."""
    award = stacks.award_get_public(award_uuid=award_uuid)
    user = request.user
    if award.learner_id != getattr(user, "pk", None) and not user.has_perm(VIEW_AWARD):
        raise Http404
    return award


@require_safe
def award_detail(request, award_uuid):
    award = _visible_award(request, award_uuid)
    clr = json.loads(award.clr_json)
    members = clr["credentialSubject"]["verifiableCredential"][1:]
    return render(
        request,
        "programs/stack_award.html",
        {
            "award": award,
            "stack": award.stack,
            "members": [m.get("name", "") for m in members],
        },
    )


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def award_document(request, award_uuid, kind):
    award = _visible_award(request, award_uuid)
    if kind not in DOCUMENTS:
        raise Http404
    body, content_type, extension = {
        "credential.json": (award.ob3_json, JSON_LD, "json"),
        "credential.jwt": (award.ob3_jwt, VC_JWT, "jwt"),
        "clr.json": (award.clr_json, JSON_LD, "clr.json"),
        "clr.jwt": (award.clr_jwt, VC_JWT, "clr.jwt"),
    }[kind]
    return _download(body, content_type, f"{award.stack.slug}.{extension}")


@require_safe
def award_verify(request, award_uuid):
    """Every check of the verifier, run on both documents as a stranger would."""
    award = _visible_award(request, award_uuid)
    reports = [
        (_("Stack award (VC-JWT)"), verifier.verify(text=award.ob3_jwt)),
        (_("Stack award (JSON with a Data Integrity proof)"), verifier.verify(text=award.ob3_json)),
        (_("Learner record, CLR 2.0 (VC-JWT)"), verifier.verify(text=award.clr_jwt)),
        (
            _("Learner record, CLR 2.0 (JSON with a Data Integrity proof)"),
            verifier.verify(text=award.clr_json),
        ),
    ]
    return render(
        request,
        "programs/stack_award_verify.html",
        {"award": award, "stack": award.stack, "reports": reports},
    )


def _design_organizations(user):
    """Organizations the user may define stacks for: those they design for,
    every organization for staff granted ``programs.add_stack``."""
    from credentials.models import MemberRole, Organization
    from credentials.selectors import organizations_for_member

    if user.has_perm("programs.add_stack"):
        return Organization.objects.order_by("name")
    return organizations_for_member(user=user, roles=(MemberRole.DESIGNER,)).order_by("name")


@login_required
@user_errors()
def stack_design(request):
    """Define a new stack (designers of an organization; 404 for anyone else)."""
    from .services.stacks import stack_define
    from .stack_forms import StackDefineForm

    organizations = _design_organizations(request.user)
    if not organizations.exists():
        raise Http404
    form = StackDefineForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        stack = stack_define(
            organization=data["organization"],
            title=data["title"],
            summary=data["summary"],
            rule=data["rule"],
            count=data["count"],
            credit_hours=data["credit_hours"],
            validity_months=data["validity_months"],
            credentials=list(data["credentials"]),
            required=list(data["required"]),
            externals=data["externals"],
            actor=request.user,
        )
        messages.success(request, _("The stack is defined and published."))
        return redirect("stacks:stack", slug=stack.slug)
    return render(request, "programs/stack_design.html", {"form": form})
