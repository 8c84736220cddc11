"""Assessment fees: coupons, payment attempts, refunds and Stripe webhook events.

A ``Payment`` is one attempt to settle a submission's fee. Its uuid is the
public id and the Stripe idempotency key, so retrying the same attempt can
never create a second charge. Status moves only through ``payments.services``
along ``PAYMENT_TRANSITIONS``, which never lets a settled payment move back.

Every status move goes through ``core.transitions.transition`` along the
tables below and is recorded in the audit trail.

Coupon uses are counted in ``Coupon.redemption_count``. A use is held when a
checkout starts (the discounted price is then fixed at Stripe), confirmed when
the payment succeeds and released when the attempt fails, expires or is
replaced, so the counter always equals the held plus confirmed uses.
"""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential, Organization
from submissions.models import Submission

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_receipt_number() -> str:
    return "RC-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(10))


def normalize_code(code: str) -> str:
    """Codes are case-insensitive and tolerate spaces around them."""
    return (code or "").strip().upper()


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percent off")
    AMOUNT = "amount", _("Fixed amount off")


class Coupon(models.Model):
    code = models.CharField(
        max_length=40, unique=True, help_text="Case-insensitive; stored in capitals."
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="For staff: who the code was made for."
    )
    batch = models.CharField(
        max_length=80, blank=True, db_index=True, help_text="Label shared by generated codes."
    )
    kind = models.CharField(
        max_length=7, choices=DiscountKind.choices, default=DiscountKind.PERCENT
    )
    percent_off = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="1 to 100; 100 makes the assessment free.",
    )
    amount_off_cents = models.PositiveIntegerField(
        "amount off (cents)",
        null=True,
        blank=True,
        help_text="An amount at or above the fee makes the assessment free.",
    )
    currency = models.CharField(
        max_length=3, default="usd", help_text="Currency of the amount off."
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(
        null=True, blank=True, help_text="Total uses allowed; empty means unlimited."
    )
    max_per_learner = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="Uses allowed per learner."
    )
    credentials = models.ManyToManyField(
        MicroCredential,
        blank=True,
        related_name="coupons",
        help_text="Only for these credentials (empty: any).",
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="coupons",
        help_text="Only for credentials of these organizations (empty: any).",
    )
    is_active = models.BooleanField(default=True)
    # Held and confirmed uses; changed only by the payments services, under a row lock.
    redemption_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "code"]
        constraints = [
            models.UniqueConstraint(Lower("code"), name="coupon_code_case_insensitive_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="percent", percent_off__isnull=False)
                    | models.Q(kind="amount", amount_off_cents__isnull=False)
                ),
                name="coupon_has_its_discount",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def discount_label(self) -> str:
        if self.kind == DiscountKind.PERCENT:
            return gettext("%(percent)s%% off") % {"percent": self.percent_off}
        from credentials.templatetags.money import money

        return gettext("%(amount)s off") % {"amount": money(self.amount_off_cents, self.currency)}

    def discount_for(self, fee_cents: int) -> int:
        """The discount on a fee, never more than the fee (rounded half up for percents)."""
        if self.kind == DiscountKind.PERCENT:
            discount = (fee_cents * (self.percent_off or 0) + 50) // 100
        else:
            discount = self.amount_off_cents or 0
        return max(0, min(fee_cents, discount))

    def is_exhausted(self) -> bool:
        return self.max_redemptions is not None and self.redemption_count >= self.max_redemptions


class RedemptionStatus(models.TextChoices):
    HELD = "held", _("Held for a checkout in progress")
    REDEEMED = "redeemed", _("Redeemed")
    RELEASED = "released", _("Released (checkout not completed)")


# A released hold is taken back when the money arrives after all (Stripe wins).
REDEMPTION_TRANSITIONS: dict[str, set[str]] = {
    RedemptionStatus.HELD: {RedemptionStatus.REDEEMED, RedemptionStatus.RELEASED},
    RedemptionStatus.RELEASED: {RedemptionStatus.REDEEMED},
    RedemptionStatus.REDEEMED: set(),
}


class CouponRedemption(models.Model):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coupon_redemptions"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="coupon_redemptions"
    )
    payment = models.OneToOneField("Payment", on_delete=models.PROTECT, related_name="redemption")
    discount_cents = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.HELD
    )
    created_at = models.DateTimeField(auto_now_add=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["coupon", "learner", "status"])]

    def __str__(self) -> str:
        return f"{self.coupon.code} by {self.learner} ({self.get_status_display()})"


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    TEST = "test", _("Test mode")
    COUPON = "coupon", _("Coupon (no card)")
    WAIVED = "waived", _("No fee due")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment", "Pending")
    SUCCEEDED = "succeeded", pgettext_lazy("payment", "Paid")
    FAILED = "failed", pgettext_lazy("payment", "Failed")
    CANCELED = "canceled", pgettext_lazy("payment", "Canceled")
    REFUNDED = "refunded", pgettext_lazy("payment", "Refunded")


# Money that Stripe reports as taken always wins, even over a local failure or
# cancellation; nothing ever moves a paid attempt back to pending or failed.
PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.PENDING: {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.CANCELED},
    PaymentStatus.FAILED: {PaymentStatus.SUCCEEDED},
    PaymentStatus.CANCELED: {PaymentStatus.SUCCEEDED},
    PaymentStatus.SUCCEEDED: {PaymentStatus.REFUNDED},
    PaymentStatus.REFUNDED: set(),
}

PAID_STATUSES = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)


class Payment(models.Model):
    uuid = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Public id of this attempt and its Stripe idempotency key.",
    )
    receipt_number = models.CharField(
        max_length=13, unique=True, default=new_receipt_number, editable=False
    )
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="payments")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    provider = models.CharField(max_length=10, choices=Provider.choices)
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    description = models.CharField(max_length=300)
    fee_cents = models.PositiveIntegerField(help_text="The fee before any coupon.")
    discount_cents = models.PositiveIntegerField(default=0)
    amount_cents = models.PositiveIntegerField(help_text="What the learner pays.")
    currency = models.CharField(max_length=3)
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    stripe_checkout_session_id = models.CharField(
        max_length=255, null=True, blank=True, unique=True
    )
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text="When the checkout page stops accepting payment."
    )
    card_brand = models.CharField(max_length=30, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    refunded_cents = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("refund_payment", "Can refund payments through Stripe")]
        constraints = [
            # A double click or a second tab finds the open attempt instead of starting another.
            models.UniqueConstraint(
                fields=["submission"],
                condition=models.Q(status="pending"),
                name="one_pending_payment_per_submission",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_cents=models.F("fee_cents") - models.F("discount_cents")),
                name="payment_amount_is_fee_minus_discount",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.receipt_number} ({self.get_status_display()})"

    @property
    def is_paid(self) -> bool:
        return self.status in PAID_STATUSES

    @property
    def is_open(self) -> bool:
        """Still payable: pending and its checkout has not expired."""
        return self.status == PaymentStatus.PENDING and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    @property
    def method_label(self) -> str:
        if self.provider == Provider.COUPON:
            return gettext("Coupon (no card needed)")
        if self.provider == Provider.WAIVED:
            return gettext("No fee due")
        if self.card_last4:
            brand = (self.card_brand or gettext("card")).replace("_", " ").title()
            if self.provider == Provider.TEST:
                label = gettext("%(brand)s ending in %(last4)s (test mode)")
            else:
                label = gettext("%(brand)s ending in %(last4)s")
            return label % {"brand": brand, "last4": self.card_last4}
        return gettext("Card (test mode)") if self.provider == Provider.TEST else gettext("Card")


class RefundStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("refund", "Pending")
    SUCCEEDED = "succeeded", pgettext_lazy("refund", "Succeeded")
    FAILED = "failed", pgettext_lazy("refund", "Failed")


REFUND_TRANSITIONS: dict[str, set[str]] = {
    RefundStatus.PENDING: {RefundStatus.SUCCEEDED, RefundStatus.FAILED},
    RefundStatus.SUCCEEDED: set(),
    RefundStatus.FAILED: set(),
}


class Refund(models.Model):
    uuid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, help_text="Stripe idempotency key."
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_cents = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    reason = models.CharField(max_length=300, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Refund {self.amount_cents} on {self.payment.receipt_number}"


class WebhookEventStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"


class WebhookEvent(models.Model):
    """A signature-verified Stripe event, stored once by its id and handled once."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=WebhookEventStatus.choices, default=WebhookEventStatus.RECEIVED
    )
    note = models.CharField(max_length=500, blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_events"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"
