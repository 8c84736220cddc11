"""The period and credential filters of the analytics page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential, Organization


class PeriodForm(forms.Form):
    """Optional start and end dates (both included) and one credential."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    credential = forms.ModelChoiceField(
        label=_("Credential"),
        queryset=MicroCredential.objects.none(),
        required=False,
        empty_label=_("All credentials"),
    )

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["credential"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = MicroCredential.objects.filter(organization=organization).order_by(
            "title", "version"
        )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data
