"""Input for the earner's pages: profile settings and importing a credential."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EarnerProfile
from .services import MAX_IMPORT_BYTES


class ProfileSettingsForm(forms.ModelForm):
    """The public profile switch and what it shows."""

    url = forms.URLField(
        label=_("your website"), required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = EarnerProfile
        fields = ("published", "handle", "display_name", "description", "url")
        help_texts = {
            "published": _(
                "Off by default. While it is off, the profile's address shows nothing to anyone."
            ),
            "handle": _("Optional, e.g. jordan-lee. Without one, the address uses a random code."),
            "display_name": _("Leave empty to use the name on your account."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_handle(self) -> str | None:
        handle: str = (self.cleaned_data.get("handle") or "").strip().lower()
        return handle or None


class ImportCredentialForm(forms.Form):
    """A credential from elsewhere: a file (baked PNG or SVG, JSON, VC-JWT) or pasted text."""

    file = forms.FileField(
        label=_("Credential file"),
        required=False,
        help_text=_(
            "A badge image (PNG or SVG) with the credential baked in, a JSON file or a VC-JWT."
        ),
    )
    text = forms.CharField(
        label=_("Or paste the credential"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("The JSON credential or the VC-JWT text."),
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("file")
        if upload is not None and upload.size > MAX_IMPORT_BYTES:
            self.add_error("file", _("The file is larger than 2 MB."))
        if upload is None and not (data.get("text") or "").strip() and not self.errors:
            self.add_error("file", _("Choose a file or paste a credential."))
        return data
