"""Staff tools for evidence checks. Duplicate-evidence flags are decided on their
own page (``checks:flag_queue``); admin lists them read-only with their trail."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from audit.admin import AuditTrailAdminMixin
from config.admin_base import ServiceRecordAdmin

from .models import DuplicateFlag


@admin.register(DuplicateFlag)
class DuplicateFlagAdmin(AuditTrailAdminMixin, ServiceRecordAdmin):
    list_display = ["__str__", "status", "created_at", "decided_by", "decide"]
    list_filter = ["status"]
    list_select_related = ["submission", "other", "decided_by"]
    search_fields = ["submission__reference", "other__reference"]
    readonly_fields = [
        "submission",
        "other",
        "matches",
        "status",
        "note",
        "decided_by",
        "decided_at",
        "created_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Decide")
    def decide(self, obj):
        return format_html(
            '<a href="{}">Open</a>', reverse("checks:flag", kwargs={"uuid": obj.uuid})
        )
