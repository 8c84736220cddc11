"""Staff see tokens (never their secrets), endpoints and the delivery log, and replay deliveries."""

from django.contrib import admin, messages

from . import services
from .models import ApiToken, WebhookDelivery, WebhookEndpoint


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "partner",
        "name",
        "prefix",
        "scopes",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "created_at"]
    readonly_fields = ["partner", "url", "events", "created_at"]
    exclude = ["secret"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["replay"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send the selected deliveries again", permissions=["replay"])
    def replay(self, request, queryset) -> None:
        count = services.webhook_replay(
            delivery_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        messages.success(request, f"{count} deliveries queued again.")

    def has_replay_permission(self, request) -> bool:
        return request.user.has_perm("partner_api.change_webhookdelivery")
