"""Input validation for the earner's award settings and staff revocation."""

from django import forms

from .models import Visibility
from .services import MAX_DISPLAY_NAME, MAX_REASON


class BadgeSettingsForm(forms.Form):
    display_name = forms.CharField(
        label="Name shown on the award",
        max_length=MAX_DISPLAY_NAME,
        required=False,
        help_text="Leave empty to show no name.",
    )
    visibility = forms.ChoiceField(
        label="Who can see the details",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
    )


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Emailed to the earner and shown on the award page (to everyone only if the "
            "earner made the award public)."
        ),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Give a reason.")
        return reason
