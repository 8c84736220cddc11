"""Staff tools: issued badges (revocation with a reason) and signing keys (rotation).

Everything here is read-only; changes go through ``badges.services``.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.admin_base import HistoryInline, ServiceRecordAdmin
from credentials import admin as credentials_admin
from credentials.models import MicroCredential

from . import documents, selectors, services
from .exceptions import BadgeError
from .forms import RevocationForm
from .models import AchievementAlignment, BadgeEvent, IssuedBadge, IssuerKey, StatusList


class BadgeEventInline(HistoryInline):
    model = BadgeEvent
    fields = ["kind", "actor", "note", "at"]


@admin.register(IssuedBadge)
class IssuedBadgeAdmin(ServiceRecordAdmin):
    list_display = [
        "award_uuid",
        "credential",
        "learner",
        "issued_at",
        "valid_until",
        "status_display",
    ]
    list_filter = [
        ("revoked_at", admin.EmptyFieldListFilter),
        "award__credential__organization",
        "issued_at",
    ]
    list_select_related = ["award", "award__learner", "award__credential"]
    search_fields = [
        "uuid",
        "award__uuid",
        "award__learner__email",
        "award__learner__name",
        "award__submission__reference",
        "award__credential__title",
    ]
    date_hierarchy = "issued_at"
    inlines = [BadgeEventInline]
    actions = ["revoke_selected"]
    fieldsets = [
        (
            None,
            {"fields": ["public_page", "award", "uuid", "issued_at", "valid_from", "valid_until"]},
        ),
        ("Earner's choices", {"fields": ["display_name", "visibility"]}),
        ("Revocation", {"fields": ["revoked_at", "revocation_reason", "revoked_by"]}),
        (
            "Signed documents",
            {
                "classes": ["collapse"],
                "fields": [
                    "signing_key",
                    "status_list",
                    "status_index",
                    "subject_id",
                    "ob3_json",
                    "ob3_jwt",
                    "ob2_json",
                ],
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["public_page"]

    def has_revoke_permission(self, request):
        return request.user.has_perm("badges.change_issuedbadge")

    @admin.display(description="Award", ordering="award__uuid")
    def award_uuid(self, obj):
        return str(obj.award.uuid)

    @admin.display(description="Credential", ordering="award__credential__title")
    def credential(self, obj):
        return obj.award.credential.title

    @admin.display(description="Learner", ordering="award__learner__email")
    def learner(self, obj):
        return obj.award.learner

    @admin.display(description="Status")
    def status_display(self, obj):
        return obj.status_label

    @admin.display(description="Public page")
    def public_page(self, obj):
        url = reverse("badges:detail", kwargs={"award_uuid": obj.award.uuid})
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.action(description="Revoke selected badges (with a reason)", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        badges = list(queryset.select_related("award", "award__learner", "award__credential"))
        active = [b for b in badges if not b.is_revoked]
        form = RevocationForm(request.POST if request.POST.get("confirm") == "yes" else None)
        if form.is_bound and form.is_valid():
            for badge in active:
                try:
                    services.badge_revoke(
                        badge_id=badge.pk, reason=form.cleaned_data["reason"], actor=request.user
                    )
                except BadgeError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
            self.message_user(
                request,
                f"{len(active)} badge(s) revoked; the earners are being emailed.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Revoke badges",
            "badges": active,
            "skipped": [b for b in badges if b.is_revoked],
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/badges/revoke_confirmation.html", context)


@admin.register(IssuerKey)
class IssuerKeyAdmin(ServiceRecordAdmin):
    list_display = ["organization", "key_id", "algorithm", "created_at", "retired_at"]
    list_filter = ["organization", ("retired_at", admin.EmptyFieldListFilter)]
    list_select_related = ["organization"]
    fields = [
        "organization",
        "key_id",
        "algorithm",
        "public_jwk",
        "created_at",
        "created_by",
        "retired_at",
    ]
    list_filter = ["organization", "algorithm", ("retired_at", admin.EmptyFieldListFilter)]
    actions = ["rotate", "use_rs256", "use_eddsa"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_rotate_permission(self, request):
        return request.user.has_perm("badges.change_issuerkey")

    def _organizations(self, queryset):
        return {key.organization_id: key.organization for key in queryset}.values()

    @admin.action(
        description="Rotate: sign with new keys (old keys stay published)",
        permissions=["rotate"],
    )
    def rotate(self, request, queryset):
        for organization in self._organizations(queryset):
            keys = services.issuer_key_rotate(organization=organization, actor=request.user)
            names = ", ".join(f"{key.algorithm} {key.key_id}" for key in keys)
            self.message_user(request, f"{organization}: now signing with {names}.")

    def _set_rs256(self, request, queryset, enabled: bool) -> None:
        algorithm = "RS256" if enabled else "EdDSA"
        for organization in self._organizations(queryset):
            changed = services.issuer_rs256_set(
                organization=organization, enabled=enabled, actor=request.user
            )
            state = "now signs" if changed else "already signs"
            self.message_user(request, f"{organization} {state} its VC-JWTs with {algorithm}.")

    @admin.action(
        description="Sign VC-JWTs with RS256 (a new RSA key; Ed25519 keeps the proofs)",
        permissions=["rotate"],
    )
    def use_rs256(self, request, queryset):
        self._set_rs256(request, queryset, enabled=True)

    @admin.action(
        description="Sign VC-JWTs with EdDSA again (the RSA key stays published)",
        permissions=["rotate"],
    )
    def use_eddsa(self, request, queryset):
        self._set_rs256(request, queryset, enabled=False)


@admin.register(StatusList)
class StatusListAdmin(ServiceRecordAdmin):
    list_display = ["organization", "number", "next_index", "size", "created_at"]
    list_select_related = ["organization"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(AchievementAlignment)
class AchievementAlignmentAdmin(admin.ModelAdmin):
    """Alignments of credentials to external frameworks (CASE items,
    Credential Engine CTIDs), published in badges issued afterwards."""

    list_display = ["credential", "target_name", "target_type", "target_code", "position"]
    list_filter = ["target_type", "credential__organization"]
    list_select_related = ["credential"]
    search_fields = ["target_name", "target_url", "target_code", "credential__title"]
    autocomplete_fields = ["credential"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        "credential",
        "target_type",
        "target_name",
        "target_url",
        "target_code",
        "target_framework",
        "target_description",
        "position",
    ]

    def save_model(self, request, obj, form, change):
        services.alignment_save(alignment=obj, actor=request.user, created=not change)

    def delete_model(self, request, obj):
        services.alignment_delete(alignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for alignment in queryset:
            services.alignment_delete(alignment=alignment, actor=request.user)


# --- the credential's page, with its TrustEd classification ------------------------------


admin.site.unregister(MicroCredential)


@admin.register(MicroCredential)
class MicroCredentialAdmin(credentials_admin.MicroCredentialAdmin):
    """The credential's admin page, plus a read-only note saying whether badges
    issued from now on are TrustEd Application Microcredentials, and if not,
    which element of the framework's minimum metadata is missing."""

    readonly_fields = [*credentials_admin.MicroCredentialAdmin.readonly_fields, "trusted"]
    fieldsets = [
        *credentials_admin.MicroCredentialAdmin.fieldsets,
        (_("Open Badges"), {"fields": ["trusted"]}),
    ]

    @admin.display(description=_("TrustEd Application Microcredential"))
    def trusted(self, obj: MicroCredential | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        basis = documents.trusted_application(
            obj,
            [
                documents.Criterion(id=c.pk, title=c.title, description=c.description)
                for c in obj.rubric_criteria.all()
            ],
            selectors.alignments_for(credential=obj),
        )
        if basis.meets:
            return gettext(
                "Yes: badges issued from now on are tagged TrustEd Application "
                "Microcredential (it has every element of the framework's minimum metadata)."
            )
        return gettext("No: missing %(elements)s.") % {
            "elements": "; ".join(basis.missing_elements)
        }
