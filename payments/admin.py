"""Staff tools: coupons (with bulk generation to CSV), payments with refunds, webhook events.

Amounts and payment states are read-only here; every change goes through
``payments.services``.
"""

import csv

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from audit.admin import AuditTrailAdminMixin
from config.admin_base import HistoryInline, MoneyAdminMixin, ServiceRecordAdmin

from . import services
from .exceptions import RefundError
from .forms import CouponAdminForm, CouponBatchForm
from .models import (
    Coupon,
    CouponRedemption,
    Payment,
    PaymentStatus,
    Refund,
    WebhookEvent,
)
from .templatetags.payment_tags import amount

CSV_HEADER = [
    "code",
    "discount",
    "valid_from",
    "valid_until",
    "uses_allowed",
    "uses_per_learner",
    "restricted_to",
    "batch",
    "description",
]


def _cell(value) -> str:
    """Spreadsheet-safe text: a leading formula character is neutralised."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def coupons_csv(coupons, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for coupon in coupons:
        restricted = [c.title for c in coupon.credentials.all()] + [
            o.name for o in coupon.organizations.all()
        ]
        writer.writerow(
            [
                _cell(v)
                for v in (
                    coupon.code,
                    coupon.discount_label,
                    coupon.valid_from.isoformat() if coupon.valid_from else "",
                    coupon.valid_until.isoformat() if coupon.valid_until else "",
                    coupon.max_redemptions if coupon.max_redemptions is not None else "unlimited",
                    coupon.max_per_learner,
                    "; ".join(restricted) or "any credential",
                    coupon.batch,
                    coupon.description,
                )
            ]
        )
    return response


class CouponRedemptionInline(HistoryInline):
    model = CouponRedemption
    fields = ["learner", "submission_link", "status", "discount_cents", "created_at", "redeemed_at"]
    ordering = ["-created_at"]
    verbose_name_plural = "Redemptions"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("learner", "submission")

    @admin.display(description="Submission")
    def submission_link(self, obj):
        return obj.submission.reference


@admin.register(Coupon)
class CouponAdmin(AuditTrailAdminMixin, MoneyAdminMixin, admin.ModelAdmin):
    form = CouponAdminForm
    money_fields = {"amount_off_cents": "Amount off"}
    change_list_template = "payments/admin/coupon_change_list.html"
    list_display = ["code", "description", "batch", "discount", "window", "uses", "is_active"]
    list_filter = ["is_active", "kind", "batch"]
    search_fields = ["code", "description", "batch"]
    filter_horizontal = ["credentials", "organizations"]
    readonly_fields = ["redemption_count", "created_at"]
    inlines = [CouponRedemptionInline]
    actions = ["export_csv", "deactivate"]
    fieldsets = [
        (None, {"fields": ["code", "description", "batch", "is_active"]}),
        ("Discount", {"fields": ["kind", "percent_off", "amount_off_cents", "currency"]}),
        ("Validity", {"fields": ["valid_from", "valid_until"]}),
        ("Limits", {"fields": ["max_redemptions", "max_per_learner", "redemption_count"]}),
        ("Only for", {"fields": ["credentials", "organizations"]}),
        (None, {"fields": ["created_at"]}),
    ]

    @admin.display(description="Discount")
    def discount(self, obj):
        return obj.discount_label

    @admin.display(description="Valid")
    def window(self, obj):
        start = timezone.localtime(obj.valid_from).date() if obj.valid_from else "…"
        end = timezone.localtime(obj.valid_until).date() if obj.valid_until else "…"
        return f"{start} – {end}"

    @admin.display(description="Used", ordering="redemption_count")
    def uses(self, obj):
        limit = obj.max_redemptions if obj.max_redemptions is not None else "∞"
        return f"{obj.redemption_count} / {limit}"

    @admin.action(description="Export selected codes as CSV")
    def export_csv(self, request, queryset):
        queryset = queryset.prefetch_related("credentials", "organizations").order_by("code")
        return coupons_csv(queryset, "coupons.csv")

    @admin.action(description="Deactivate selected codes")
    def deactivate(self, request, queryset):
        count = services.coupon_deactivate(
            coupon_ids=queryset.values_list("pk", flat=True), actor=request.user
        )
        self.message_user(request, f"{count} code(s) deactivated.")

    def get_urls(self):
        return [
            path(
                "generate/",
                self.admin_site.admin_view(self.generate_view),
                name="payments_coupon_generate",
            ),
            *super().get_urls(),
        ]

    def generate_view(self, request):
        """Bulk generation: N unique codes with shared terms, downloaded as CSV."""
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = CouponBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            coupons = services.coupon_generate_batch(
                count=form.cleaned_data["count"],
                prefix=form.cleaned_data["prefix"],
                batch=form.cleaned_data["batch"],
                template=form.template(),
            )
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            slug = "".join(ch if ch.isalnum() else "-" for ch in form.cleaned_data["batch"])[:40]
            return coupons_csv(
                Coupon.objects.filter(pk__in=[c.pk for c in coupons])
                .prefetch_related("credentials", "organizations")
                .order_by("code"),
                f"coupons-{slug}-{stamp}.csv",
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Generate coupon codes",
            "form": form,
        }
        return TemplateResponse(request, "payments/admin/coupon_generate.html", context)


class RefundInline(HistoryInline):
    model = Refund
    fields = ["amount_cents", "status", "stripe_refund_id", "reason", "actor", "created_at"]


class WebhookEventInline(HistoryInline):
    model = WebhookEvent
    fields = ["stripe_event_id", "type", "status", "note", "received_at", "processed_at"]
    verbose_name_plural = "Stripe events"


@admin.register(Payment)
class PaymentAdmin(AuditTrailAdminMixin, ServiceRecordAdmin):
    list_display = [
        "receipt_number",
        "learner",
        "submission_reference",
        "amount_paid",
        "status",
        "provider",
        "created_at",
    ]
    list_filter = ["status", "provider", "created_at"]
    list_select_related = ["learner", "submission"]
    search_fields = [
        "receipt_number",
        "learner__email",
        "learner__name",
        "submission__reference",
        "submission__uuid",
        "uuid",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "coupon__code",
    ]
    date_hierarchy = "created_at"
    inlines = [RefundInline, WebhookEventInline]
    actions = ["refund_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["amount_paid", "submission_link"]

    def has_refund_permission(self, request):
        return request.user.has_perm("payments.refund_payment")

    @admin.display(description="Submission", ordering="submission__reference")
    def submission_reference(self, obj):
        return obj.submission.reference

    @admin.display(description="Submission")
    def submission_link(self, obj):
        try:
            url = reverse("admin:submissions_submission_change", args=[obj.submission_id])
        except NoReverseMatch:
            return obj.submission.reference
        return format_html('<a href="{}">{}</a>', url, obj.submission.reference)

    @admin.display(description="Paid", ordering="amount_cents")
    def amount_paid(self, obj):
        return amount(obj.amount_cents, obj.currency)

    @admin.action(description="Refund selected payments through Stripe", permissions=["refund"])
    def refund_selected(self, request, queryset):
        payments = list(queryset.select_related("learner", "submission"))
        refundable = [p for p in payments if p.status == PaymentStatus.SUCCEEDED and p.amount_cents]
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Refund payments",
                "payments": refundable,
                "skipped": [p for p in payments if p not in refundable],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "payments/admin/refund_confirmation.html", context)
        reason = request.POST.get("reason", "").strip()
        for payment in refundable:
            try:
                refund = services.payment_refund(
                    payment_id=payment.pk, actor=request.user, reason=reason
                )
            except RefundError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{payment.receipt_number}: refunded "
                    f"{amount(refund.amount_cents, payment.currency)} "
                    f"({refund.get_status_display().lower()}).",
                    messages.SUCCESS,
                )
        return None


@admin.register(WebhookEvent)
class WebhookEventAdmin(ServiceRecordAdmin):
    list_display = ["stripe_event_id", "type", "status", "received_at", "processed_at"]
    list_filter = ["status", "type"]
    search_fields = ["stripe_event_id", "type", "payment__receipt_number"]
    actions = ["process_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.action(description="Process selected unprocessed events")
    def process_again(self, request, queryset):
        done = 0
        for event in queryset.filter(processed_at__isnull=True):
            try:
                services.webhook_event_process(event_pk=event.pk)
            except Exception as exc:  # noqa: BLE001 - reported to staff, event stays unprocessed
                self.message_user(request, f"{event.stripe_event_id}: {exc}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{done} event(s) processed.")
