"""Admin building blocks shared by the apps.

Some records (payments, reviews, issued badges, audit rows) are written only
by services, so the admin shows them without add or delete buttons. Amounts
are stored in cents but staff see and type them in the currency's units
(``MoneyField``, ``MoneyAdminMixin``).
"""

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

# The largest amount a PositiveIntegerField of cents holds.
MAX_CENTS = 2_147_483_647
# "1,250.00": commas only as thousands separators, so "25,50" is refused rather
# than read as 2,550.
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_SYMBOLS = "$€£¥"


# Admin home sections that gather several apps: one section per concept. The
# first app's page is the section's page; the others' pages show it too.
SECTIONS = {
    "Accounts": ("accounts", "auth", "account", "mfa"),
}


class PlatformAdminSite(admin.AdminSite):
    """The admin site: users, groups, email addresses and two-factor
    authenticators (four apps: ours, Django's and allauth's two) in one
    "Accounts" section rather than two sections of the same name and two more."""

    def get_app_list(self, request, app_label=None):
        labels = next((labels for labels in SECTIONS.values() if app_label in labels), None)
        if app_label is not None and labels is None:
            return super().get_app_list(request, app_label)
        app_dict = self._build_app_dict(request)
        for name, members in SECTIONS.items():
            apps = [app_dict.pop(label) for label in members if label in app_dict]
            if apps:
                app_dict[apps[0]["app_label"]] = {
                    **apps[0],
                    "name": name,
                    "models": [model for app in apps for model in app["models"]],
                }
        app_list = sorted(app_dict.values(), key=lambda app: app["name"].lower())
        if labels is not None:
            app_list = [app for app in app_list if app["app_label"] in labels]
        for app in app_list:
            app["models"].sort(key=lambda model: model["name"])
        return app_list


class MoneyField(forms.DecimalField):
    """An amount stored as integer cents, shown and typed in the currency's
    units: the form shows 25.00 for 2500 and cleans "25", "25.00" or "$1,250"
    to cents."""

    default_error_messages = {
        "invalid": "Enter an amount such as 25.00.",
        "max_decimal_places": "Enter at most two digits after the decimal point.",
        "min_value": "Enter an amount of at least %(limit_value)s.",
        "max_value": "Enter an amount of at most %(limit_value)s.",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal(MAX_CENTS) / 100)
        kwargs.setdefault("decimal_places", 2)
        # A text box rather than a number spinner, so "$1,250.00" can be typed.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{Decimal(value) / 100:.2f}"
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().strip(_SYMBOLS).strip().replace(" ", "")
            if "," in value:
                if not _THOUSANDS.match(value):
                    raise ValidationError(self.error_messages["invalid"], code="invalid")
                value = value.replace(",", "")
        return super().to_python(value)

    def clean(self, value) -> int | None:
        amount = super().clean(value)
        return None if amount is None else int(amount * 100)

    def has_changed(self, initial, data) -> bool:
        # ``initial`` is in cents, what the browser sends is in units.
        if self.disabled:
            return False
        try:
            return initial != self.clean(data)
        except ValidationError:
            return True


# MoneyAdminMixin is combined with admin.ModelAdmin; type checkers read it as one.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object


class MoneyAdminMixin(_ModelAdmin):
    """Shows the listed cents fields as ``MoneyField``: ``money_fields`` maps a
    field name to its label, or to "" for the model's own verbose name."""

    money_fields: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name not in self.money_fields:
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        help_text = " ".join(
            part for part in ("In the currency's units, e.g. 25.00.", db_field.help_text) if part
        )
        return MoneyField(
            label=self.money_fields[db_field.name] or capfirst(db_field.verbose_name),
            required=not db_field.blank,
            help_text=help_text,
        )


class OrderedInline(admin.TabularInline):
    """Rows that staff put in order: Move up / Move down buttons beside the
    position (static/js/admin_ordering.js) renumber the positions as rows move.
    Without JavaScript the position is typed. ``order_group`` names a field
    whose rows are ordered among themselves (a prompt's part)."""

    order_group = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.classes = [
            *(self.classes or ()),
            "ordered-inline",
            *([f"order-group-{self.order_group}"] if self.order_group else []),
        ]

    @property
    def media(self):
        return super().media + forms.Media(
            js=["js/admin_ordering.js"], css={"all": ["css/admin_ordering.css"]}
        )


class HistoryInline(admin.TabularInline):
    """A read-only table of history rows under a record."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ServiceRecordAdmin(admin.ModelAdmin):
    """Records that only services create and nothing deletes."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
