"""Forms for partners' cohort pages: validation only."""

from __future__ import annotations

import csv
import io

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

MAX_INVITES = 1000
MAX_CSV_BYTES = 512 * 1024


def parse_addresses(text: str) -> tuple[list[str], list[str]]:
    """Addresses typed one per line (or separated by commas), and an error per bad line."""
    emails: list[str] = []
    errors: list[str] = []
    for number, line in enumerate(text.replace(",", "\n").splitlines(), start=1):
        value = line.strip()
        if not value:
            continue
        try:
            validate_email(value)
        except ValidationError:
            errors.append(
                _("Line %(n)s: “%(value)s” is not an email address.")
                % {"n": number, "value": value}
            )
        else:
            emails.append(value.lower())
    return emails, errors


def parse_csv(data: bytes) -> tuple[list[str], list[str]]:
    """Rows of a CSV with an ``email`` column (or one column of addresses); an error per row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [str(_("The file is not a UTF-8 CSV file."))]
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], [str(_("The file is empty."))]
    header = [h.strip().lower() for h in rows[0]]
    column, start = (header.index("email"), 2) if "email" in header else (0, 1)
    body = rows[1:] if start == 2 else rows
    emails: list[str] = []
    errors: list[str] = []
    for number, row in enumerate(body, start=start):
        if not any(cell.strip() for cell in row):
            continue
        value = row[column].strip() if column < len(row) else ""
        try:
            validate_email(value)
        except ValidationError:
            errors.append(
                _("Row %(n)s: “%(value)s” is not an email address.") % {"n": number, "value": value}
            )
        else:
            emails.append(value.lower())
    return emails, errors


class InviteForm(forms.Form):
    """Email addresses typed, a CSV file, or both. Nobody is invited while any
    line or row is wrong; the typed text comes back as it was."""

    addresses = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("A column named email, or one address per row."),
    )

    def clean_addresses(self) -> list[str]:
        emails, errors = parse_addresses(self.cleaned_data.get("addresses") or "")
        if errors:
            raise ValidationError(errors)
        return emails

    def clean_csv_file(self) -> list[str]:
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return []
        if upload.size > MAX_CSV_BYTES:
            raise ValidationError(_("The file is larger than 512 KB."))
        emails, errors = parse_csv(upload.read())
        if errors:
            raise ValidationError(errors)
        return emails

    def clean(self) -> dict:
        data = super().clean()
        emails = list(data.get("addresses") or []) + list(data.get("csv_file") or [])
        if not self.errors and not emails:
            raise ValidationError(_("Type at least one address or choose a CSV file."))
        if len(emails) > MAX_INVITES:
            raise ValidationError(_("Invite at most 1000 teachers at a time."))
        data["emails"] = emails
        return data


class CohortForm(forms.Form):
    """A new cohort: its name, the credentials it follows, an optional due date."""

    name = forms.CharField(label=_("Name"), max_length=200)
    credentials = forms.ModelMultipleChoiceField(
        label=_("Micro-credentials"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Teachers not awarded by then get a reminder, at most once a day."),
    )
    with_code = forms.BooleanField(
        label=_("Create a prepaid cohort code (the whole fee, members only)"), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from credentials.models import MicroCredential

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["credentials"]
        field.queryset = MicroCredential.objects.filter(is_published=True).order_by("title")  # type: ignore[attr-defined]
