"""Staff tools: calibration sets (the anchors are added on the calibration pages)
and attempts, read-only."""

from django.contrib import admin

from audit.admin import AuditTrailAdminMixin
from config.admin_base import ServiceRecordAdmin

from . import services
from .models import CalibrationAttempt, CalibrationSet


@admin.register(CalibrationSet)
class CalibrationSetAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "credential",
        "organization",
        "threshold_percent",
        "valid_months",
        "is_active",
    ]
    list_filter = ["is_active"]
    list_select_related = ["credential", "organization"]
    search_fields = ["title", "credential__title", "organization__name"]
    fields = [
        "title",
        "credential",
        "organization",
        "threshold_percent",
        "require_same_outcome",
        "valid_months",
        "is_active",
    ]
    raw_id_fields = ["credential"]

    def save_model(self, request, obj, form, change):
        services.calibration_set_save(calibration_set=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        # Attempts and the certification they granted point at the set: retire it instead.
        return False


@admin.register(CalibrationAttempt)
class CalibrationAttemptAdmin(ServiceRecordAdmin):
    list_display = ["assessor", "calibration_set", "state", "started_at", "certified_until"]
    list_filter = ["state"]
    list_select_related = ["assessor", "calibration_set"]
    search_fields = ["assessor__email", "calibration_set__title"]
    readonly_fields = (
        "assessor",
        "calibration_set",
        "state",
        "started_at",
        "finished_at",
        "criteria_total",
        "criteria_agreed",
        "anchors_total",
        "outcomes_agreed",
        "certified_until",
    )
    fields = readonly_fields

    def has_change_permission(self, request, obj=None):
        return False
