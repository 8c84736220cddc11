"""Staff tools for applications: further attempts allowed past a credential's limit."""

from django import forms
from django.contrib import admin

from audit.admin import AuditTrailAdminMixin

from . import services
from .models import ExtraAttempt


class ExtraAttemptForm(forms.ModelForm):
    class Meta:
        model = ExtraAttempt
        fields = ["learner", "credential", "note"]
        help_texts = {"note": "What you agreed with the learner (kept in the audit trail)."}


@admin.register(ExtraAttempt)
class ExtraAttemptAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    """Allowing one more attempt goes through ``submissions.services.attempt_grant``
    (permission checked, audited); a grant is never edited or deleted afterwards."""

    form = ExtraAttemptForm
    list_display = ["learner", "credential", "granted_by", "granted_at"]
    list_select_related = ["learner", "credential", "granted_by"]
    search_fields = ["learner__email", "credential__title"]
    autocomplete_fields = ["learner", "credential"]
    readonly_fields = ["granted_by", "granted_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        grant = services.attempt_grant(
            learner=form.cleaned_data["learner"],
            credential=form.cleaned_data["credential"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
        obj.pk = grant.pk
        obj.granted_by, obj.granted_at = grant.granted_by, grant.granted_at
