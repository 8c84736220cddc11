"""Staff manage organizations, topics and credentials here.

Publishing goes through ``credentials.services`` (the admin actions), so the
publication time is always recorded; the checkbox itself is read-only.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.defaultfilters import pluralize

from audit.admin import AuditTrailAdminMixin
from config.admin_base import MoneyAdminMixin, OrderedInline

from . import selectors, services
from .exceptions import NotPublishable
from .models import (
    EvidenceRequirement,
    Favorite,
    MicroCredential,
    Organization,
    OrganizationMember,
    Prompt,
    RubricCriterion,
    Topic,
)
from .templatetags.money import money

SNAPSHOT_NOTE = (
    "Prompts, evidence requirements and rubric criteria below can be edited at any time. "
    "Applications that have already been submitted keep the prompts they were submitted with; "
    "drafts and new applications use the current version."
)

COMPACT_TEXT: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 60})}
}


class OrganizationMemberInline(admin.TabularInline):
    """Roles are shown here; adding or removing one goes through the services so it
    is audited (see ``OrganizationAdmin.save_formset``)."""

    model = OrganizationMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "team"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    inlines = [OrganizationMemberInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrganizationMember:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.member_remove(
                organization=member.organization,
                user=member.user,
                role=member.role,
                actor=request.user,
            )
        for member, _changed in formset.changed_objects:
            # A role edited in place is the old role removed and the new one added.
            previous = OrganizationMember.objects.get(pk=member.pk)
            services.member_remove(
                organization=previous.organization,
                user=previous.user,
                role=previous.role,
                actor=request.user,
            )
        for member in [*formset.new_objects, *(m for m, _ in formset.changed_objects)]:
            services.member_add(
                organization=form.instance,
                user=member.user,
                role=member.role,
                team=member.team,
                actor=request.user,
            )
        return None

    # A website typed without a scheme is taken as https://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "email", "url"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class PromptInline(OrderedInline):
    model = Prompt
    extra = 0
    fields = ["part", "position", "text", "help_text", "word_limit", "required"]
    formfield_overrides = COMPACT_TEXT
    order_group = "part"


class EvidenceRequirementInline(OrderedInline):
    model = EvidenceRequirement
    extra = 0
    fields = ["position", "title", "description", "kind", "required"]
    formfield_overrides = COMPACT_TEXT


class RubricCriterionInline(OrderedInline):
    model = RubricCriterion
    extra = 0
    fields = ["position", "title", "description"]
    formfield_overrides = COMPACT_TEXT


@admin.register(MicroCredential)
class MicroCredentialAdmin(AuditTrailAdminMixin, MoneyAdminMixin, admin.ModelAdmin):
    money_fields = {"fee_cents": "", "resubmission_fee_cents": ""}
    list_display = [
        "title",
        "organization",
        "is_published",
        "published_at",
        "fee",
        "resubmission_fee",
        "estimated_hours",
        "updated_at",
    ]
    list_filter = ["is_published", "organization", "topics"]
    list_select_related = ["organization"]
    search_fields = ["title", "slug", "summary", "competency", "organization__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organization"]
    filter_horizontal = ["topics"]
    readonly_fields = ["is_published", "published_at", "uuid", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    actions = ["publish_selected", "unpublish_selected"]
    inlines = [PromptInline, EvidenceRequirementInline, RubricCriterionInline]
    fieldsets = [
        (
            None,
            {
                "description": SNAPSHOT_NOTE,
                "fields": ["organization", "title", "slug", "summary", "topics"],
            },
        ),
        (
            "Content",
            {
                "fields": [
                    "overview",
                    "competency",
                    "key_method",
                    "method_components",
                    "research",
                    "evidence_instructions",
                ]
            },
        ),
        (
            "Fees and effort",
            {
                "fields": [
                    "fee_cents",
                    "resubmission_fee_cents",
                    "currency",
                    "estimated_hours",
                    "validity_months",
                ]
            },
        ),
        (
            "Publication",
            {
                "description": "Use the “Publish selected” and “Unpublish selected” actions "
                "on the credential list to change this.",
                "fields": ["is_published", "published_at", "uuid", "created_at", "updated_at"],
            },
        ),
    ]

    @admin.display(description="fee", ordering="fee_cents")
    def fee(self, obj: MicroCredential) -> str:
        return money(obj.fee_cents, obj.currency)

    @admin.display(description="resubmission fee", ordering="resubmission_fee_cents")
    def resubmission_fee(self, obj: MicroCredential) -> str:
        return money(obj.resubmission_fee_cents, obj.currency)

    @admin.action(description="Publish selected", permissions=["change"])
    def publish_selected(self, request, queryset):
        changed = 0
        for credential in queryset.select_related("organization"):
            was_published = credential.is_published
            try:
                services.credential_publish(credential=credential, actor=request.user)
            except NotPublishable as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            changed += not was_published
            for warning in selectors.credential_publish_warnings(credential=credential):
                self.message_user(request, warning, messages.WARNING)
        self.message_user(
            request,
            f"Published {changed} credential{pluralize(changed)}.",
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected", permissions=["change"])
    def unpublish_selected(self, request, queryset):
        changed = 0
        for credential in queryset:
            was_published = credential.is_published
            services.credential_unpublish(credential=credential, actor=request.user)
            changed += was_published
        self.message_user(
            request,
            f"Unpublished {changed} credential{pluralize(changed)}.",
            messages.SUCCESS,
        )


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    """Read-only: favorites belong to learners, staff only look."""

    list_display = ["user", "credential", "created_at"]
    list_select_related = ["user", "credential"]
    search_fields = ["user__email", "credential__title"]
    list_filter = ["credential__organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
