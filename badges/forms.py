"""Input validation for the earner's award settings and staff revocation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Visibility
from .services import MAX_DISPLAY_NAME, MAX_REASON


class BadgeSettingsForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name shown on the award"),
        max_length=MAX_DISPLAY_NAME,
        required=False,
        help_text=_("Leave empty to show no name."),
    )
    visibility = forms.ChoiceField(
        label=_("Who can see the details"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
    )


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Emailed to the earner and shown on the award page (to everyone only if the "
            "earner made the award public)."
        ),
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason
