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


class VerifyForm(forms.Form):
    """A credential to verify: pasted text or a baked badge image."""

    credential = forms.CharField(
        label=_("Paste a credential"),
        required=False,
        max_length=2 * 1024 * 1024,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_("An Open Badges 3.0 VC-JWT, or a JSON credential with an embedded proof."),
    )
    image = forms.FileField(
        label=_("Or upload a badge image"),
        required=False,
        help_text=_("A baked PNG or SVG badge, at most 2 MB."),
    )
    url = forms.CharField(
        label=_("Or give its web address"),
        required=False,
        max_length=2000,
        help_text=_("Where the credential, the assertion or the badge image is published."),
    )

    def clean_url(self) -> str:
        # The fetcher decides which hosts it opens; here only the scheme is checked.
        url = self.cleaned_data.get("url", "").strip()
        if url and not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give an http or https address."))
        return url

    def clean_image(self) -> object:
        image = self.cleaned_data.get("image")
        if image is not None and image.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return image

    def clean(self) -> dict:
        data = super().clean() or {}
        given = [
            bool(data.get("credential", "").strip()),
            bool(data.get("image")),
            bool(data.get("url")),
        ]
        if not any(given) and not self.errors:
            raise forms.ValidationError(
                _("Paste a credential, choose a badge image or give its web address.")
            )
        if sum(given) > 1:
            raise forms.ValidationError(_("Give one credential at a time."))
        return data
