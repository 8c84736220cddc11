"""Input validation for the payment pages and the coupon admin."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from config.admin_base import MoneyField
from credentials.models import MicroCredential, Organization

from .models import Coupon, DiscountKind, normalize_code
from .services import MAX_BATCH


class CouponCodeForm(forms.Form):
    # A coupon is optional: the page is labelled as such, and pressing Apply
    # with an empty box still says what is missing (clean_code).
    code = forms.CharField(
        label=_("Coupon code"),
        required=False,
        max_length=60,
        help_text=_("Codes are not case-sensitive."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("Enter a coupon code."))
        return code


class TestCardForm(forms.Form):
    """The test-mode card form: no card data leaves this machine or is stored."""

    __test__ = False

    card_number = forms.CharField(
        label=_("Card number"),
        initial="4242 4242 4242 4242",
        max_length=23,
        help_text=_("Any test number works; 4000 0000 0000 0002 is declined."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_card_number(self) -> str:
        digits = "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())
        if not 12 <= len(digits) <= 19 or any(
            ch not in "0123456789 -" for ch in self.cleaned_data["card_number"]
        ):
            raise ValidationError(_("Enter a card number of 12 to 19 digits."))
        return digits


def _check_discount(cleaned: dict[str, Any]) -> None:
    kind = cleaned.get("kind")
    if kind == DiscountKind.PERCENT and not cleaned.get("percent_off"):
        raise ValidationError({"percent_off": _("Enter the percent off (1 to 100).")})
    if kind == DiscountKind.AMOUNT and not cleaned.get("amount_off_cents"):
        raise ValidationError({"amount_off_cents": _("Enter the amount off, e.g. 25.00.")})
    if kind == DiscountKind.PERCENT:
        cleaned["amount_off_cents"] = None
    elif kind == DiscountKind.AMOUNT:
        cleaned["percent_off"] = None
    start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
    if start and end and end <= start:
        raise ValidationError({"valid_until": _("The end must be after the start.")})


# The terms a coupon carries: edited on one coupon, or shared by a generated batch.
COUPON_TERMS = (
    "description",
    "kind",
    "percent_off",
    "amount_off_cents",
    "currency",
    "valid_from",
    "valid_until",
    "max_redemptions",
    "max_per_learner",
    "credentials",
    "organizations",
)


class CouponAdminForm(forms.ModelForm):
    class Meta:
        model = Coupon
        fields = ["code", "batch", "is_active", *COUPON_TERMS]

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code or any(ch.isspace() for ch in code):
            raise ValidationError(_("A code has no spaces."))
        clash = Coupon.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another coupon already has this code."))
        return code

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _check_discount(cleaned)
        cleaned["currency"] = (cleaned.get("currency") or "usd").lower()
        return cleaned


class CouponBatchForm(forms.Form):
    """Bulk generation: N single-purpose codes sharing one set of terms."""

    count = forms.IntegerField(min_value=1, max_value=MAX_BATCH, initial=50)
    # A field named like Form.prefix: the form's metaclass moves fields off the
    # class, so the form's own prefix attribute is untouched.
    prefix = forms.CharField(  # type: ignore[assignment]
        max_length=12,
        required=False,
        help_text="Optional, e.g. DISTRICT7- ; eight random characters follow.",
    )
    batch = forms.CharField(
        max_length=80, help_text="A label to find these codes again, e.g. the district's name."
    )
    description = forms.CharField(max_length=200, required=False)
    kind = forms.ChoiceField(choices=DiscountKind.choices, initial=DiscountKind.PERCENT)
    percent_off = forms.IntegerField(min_value=1, max_value=100, required=False, initial=100)
    amount_off_cents = MoneyField(
        label="Amount off", required=False, help_text="In the currency's units, e.g. 25.00."
    )
    currency = forms.CharField(max_length=3, initial="usd")
    valid_from = forms.DateTimeField(required=False)
    valid_until = forms.DateTimeField(required=False)
    max_redemptions = forms.IntegerField(
        min_value=1, initial=1, required=False, help_text="Uses per code; empty means unlimited."
    )
    max_per_learner = forms.IntegerField(min_value=1, initial=1)
    credentials = forms.ModelMultipleChoiceField(
        queryset=MicroCredential.objects.all(), required=False
    )
    organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.all(), required=False
    )

    def clean_prefix(self) -> str:
        prefix = normalize_code(self.cleaned_data.get("prefix", ""))
        if any(ch.isspace() for ch in prefix):
            raise ValidationError(_("A prefix has no spaces."))
        return prefix

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        _check_discount(cleaned)
        cleaned["currency"] = (cleaned.get("currency") or "usd").lower()
        return cleaned

    def template(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) for key in COUPON_TERMS}
