"""The staff decision on a duplicate-evidence flag."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FlagStatus


class FlagDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (FlagStatus.DISMISSED, _("Dismiss: the shared evidence is acceptable")),
            (FlagStatus.CONFIRMED, _("Confirm: the evidence is not the learner's own")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why you decided so. Kept in the audit trail and shown to the assessor."),
    )
