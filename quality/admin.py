"""Staff edit quality frameworks here (with the usual model permissions), import and
export them as JSON, set each organization's quality rules, and read rounds and
gate overrides.

Rounds, reviews and overrides are read-only here: they change only through
the quality pages, whose services check the rules and write the audit trail.
"""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import selectors, services
from .exceptions import QualityError
from .forms import FrameworkImportForm
from .models import (
    Component,
    Framework,
    GateOverride,
    QualitySetting,
    ReviewAssignment,
    ReviewRound,
    Standard,
)


class StandardInline(admin.TabularInline):
    model = Standard
    extra = 0
    fields = ["position", "code", "title", "description"]
    show_change_link = True


class ComponentInline(admin.StackedInline):
    model = Component
    extra = 0
    fields = [("position", "code", "required"), "title", "description", "guidance"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "organization", "base", "is_default", "created_at"]
    list_filter = ["is_default", "organization"]
    search_fields = ["name", "version"]
    inlines = [StandardInline]
    actions = ["export_json"]
    change_list_template = "admin/quality/framework/change_list.html"

    @admin.action(description="Export the selected framework as JSON")
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one framework to export.", messages.WARNING)
            return None
        framework = queryset.get()
        body = json.dumps(
            selectors.framework_export(framework=framework), indent=2, ensure_ascii=False
        )
        response = HttpResponse(body + "\n", content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="framework-{framework.uuid}.json"'
        return response

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="quality_framework_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = FrameworkImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                framework = services.framework_import(data=data, actor=request.user)
            except (ValueError, QualityError) as error:
                form.add_error("file", str(error))
            else:
                self.message_user(request, f"Imported {framework}.", messages.SUCCESS)
                return redirect("admin:quality_framework_change", framework.pk)
        return TemplateResponse(
            request,
            "admin/quality/framework/import.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "title": "Import a framework",
                "opts": self.model._meta,
            },
        )


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "framework", "position"]
    list_filter = ["framework"]
    inlines = [ComponentInline]


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "standard", "required"]
    list_filter = ["standard__framework", "required"]
    search_fields = ["title", "description"]


@admin.register(QualitySetting)
class QualitySettingAdmin(admin.ModelAdmin):
    list_display = ["organization", "framework", "gate", "exclude_same_team", "reviewers_per_round"]


class ReadOnly:
    """Shown, never changed here: these rows change only through the quality services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class AssignmentInline(ReadOnly, admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    fields = ["reviewer", "settles", "status", "scope", "clarity", "ease_of_use", "submitted_at"]
    readonly_fields = fields


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["credential", "number", "status", "framework", "opened_at", "closed_at"]
    list_filter = ["status", "framework"]
    inlines = [AssignmentInline]


@admin.register(GateOverride)
class GateOverrideAdmin(ReadOnlyAdmin):
    list_display = ["credential", "actor", "created_at", "reason"]
