"""The outbox for staff: what was sent, what waits and why, and a way to send again.

Rows are written only by ``notifications.services``; staff can read them and
send failed ones again.
"""

from django.contrib import admin, messages
from django.utils.html import format_html

from audit.admin import AuditTrailAdminMixin

from . import services
from .models import EmailStatus, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = [
        "subject",
        "recipients",
        "template",
        "status",
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "template"]
    search_fields = ["key", "subject", "to"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    fields = (
        "key",
        "template",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
        "body_text",
        "html_preview",
        "builder",
        "params",
    )
    readonly_fields = fields

    @admin.display(description="To")
    def recipients(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.to)

    @admin.display(description="HTML part")
    def html_preview(self, obj: OutboundEmail) -> str:
        # Shown as source, never rendered: it is user-influenced content.
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.body_html)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send again (failed or pending emails)")
    def send_again(self, request, queryset):
        ids = queryset.filter(status__in=[EmailStatus.FAILED, EmailStatus.PENDING]).values_list(
            "pk", flat=True
        )
        count = services.email_retry(email_ids=ids, actor=request.user)
        self.message_user(request, f"{count} email(s) queued to be sent.", messages.SUCCESS)
