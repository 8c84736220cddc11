"""The audit trail in admin: read-only, searchable, and reachable from each object.

Staff with ``audit.view_auditevent`` browse every event (filters by verb,
kind of object and date; search by actor, object, verb or request id). Admin
pages of models whose changes are audited mix in ``AuditTrailAdminMixin``,
which puts an "Audit trail" button on the object's page, linking to the list
filtered to that object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from .models import AuditEvent

if TYPE_CHECKING:
    # The type ModelAdmin declares for its templates (django-stubs only).
    from django.template.response import _TemplateForResponseT

TYPE_PARAM = "target_type__id__exact"
ID_PARAM = "target_id"
VIEW_PERMISSION = "audit.view_auditevent"
DETAIL_FIELDS = (
    "created_at",
    "actor",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_link",
    "before",
    "after",
    "data",
    "request_id",
)


def audit_trail_url(request: HttpRequest, obj: models.Model) -> str:
    """The audit list filtered to ``obj``, or "" for staff who may not read it."""
    if obj.pk is None or not request.user.has_perm(VIEW_PERMISSION):
        return ""
    query = urlencode({TYPE_PARAM: ContentType.objects.get_for_model(obj).pk, ID_PARAM: obj.pk})
    return f"{reverse('admin:audit_auditevent_changelist')}?{query}"


class AuditTrailAdminMixin:
    """An "Audit trail" button on the change page, beside History.

    Uses its own change form template (which extends the admin's generic
    one); an admin with a change form template of its own adds the button
    with ``{% if audit_trail_url %}`` in its ``object-tools-items`` block.
    """

    change_form_template: ClassVar[_TemplateForResponseT | None] = "admin/audit/change_form.html"

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> TemplateResponse:
        if obj is not None:
            context["audit_trail_url"] = audit_trail_url(request, obj)
        return super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "verb", "target_link", "change", "request_id"]
    list_filter = ["verb", ("target_type", admin.RelatedOnlyFieldListFilter), "created_at"]
    list_select_related = ["target_type"]
    search_fields = ["actor_label", "verb", "target_label", "=target_id", "=request_id"]
    date_hierarchy = "created_at"
    fields = DETAIL_FIELDS
    readonly_fields = DETAIL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    @admin.display(description="Object")
    def target_link(self, event: AuditEvent) -> str:
        label = event.target_label or event.target_id
        kind = event.target_type.name
        try:
            url = reverse(
                f"admin:{event.target_type.app_label}_{event.target_type.model}_change",
                args=[event.target_id],
            )
        except NoReverseMatch:
            return f"{kind} {label}"
        return format_html('{} <a href="{}">{}</a>', kind, url, label)

    @admin.display(description="Change")
    def change(self, event: AuditEvent) -> str:
        """ "status: pending → succeeded", one line per field that changed."""
        lines = [
            f"{name}: {event.before.get(name, '—')} → {event.after.get(name, '—')}"
            for name in dict.fromkeys([*event.before, *event.after])
        ]
        return "; ".join(lines)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        title = self._object_title(request)
        if title:
            extra_context = {**(extra_context or {}), "title": title}
        return super().changelist_view(request, extra_context)

    def _object_title(self, request: HttpRequest) -> str:
        """ "Audit trail of payment RC-…" when the list is filtered to one object."""
        type_id, target_id = request.GET.get(TYPE_PARAM, ""), request.GET.get(ID_PARAM, "")
        if not (type_id.isdigit() and target_id):
            return ""
        try:
            kind = ContentType.objects.get_for_id(int(type_id))
        except ContentType.DoesNotExist:
            return ""
        label = (
            AuditEvent.objects.filter(target_type=kind, target_id=target_id)
            .values_list("target_label", flat=True)
            .first()
        )
        return f"Audit trail of {kind.name} {label or target_id}"
