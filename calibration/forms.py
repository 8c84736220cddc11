"""Forms of calibration pages: scoring an anchor blind, and staff writing an anchor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential

MARKS = [("met", _("Met")), ("not_met", _("Not yet met"))]
OUTCOMES = [("awarded", _("Award")), ("denied", _("Deny"))]


def _mark(value: object) -> bool | None:
    return {"met": True, "not_met": False}.get(str(value))


class AnchorScoringForm(forms.Form):
    """One anchor as a calibrating assessor scores it: a mark per criterion and
    the outcome. Blanks are allowed while saving; submitting the calibration
    checks completeness."""

    outcome = forms.ChoiceField(
        label=_("Your decision"), choices=OUTCOMES, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, criteria: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"met_{criterion.criterion_id}"] = forms.ChoiceField(
                label=criterion.title,
                help_text=criterion.description,
                choices=MARKS,
                widget=forms.RadioSelect,
                required=False,
            )
        self.order_fields([f"met_{c.criterion_id}" for c in criteria] + ["outcome"])

    def marks(self) -> dict[int, bool | None]:
        return {
            c.criterion_id: _mark(self.cleaned_data.get(f"met_{c.criterion_id}"))
            for c in self.criteria
        }


class AnchorForm(forms.Form):
    """Staff set down an anchor: the blind text (prefilled from the application,
    or written), the true mark and rationale per criterion, the true outcome."""

    consent_note = forms.CharField(
        label=_("Learner's consent"),
        help_text=_("How and when the learner agreed to this use of their application."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    true_outcome = forms.ChoiceField(
        label=_("True outcome"), choices=OUTCOMES, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Rationale for the outcome"),
        help_text=_("Assessors read it after scoring the anchor."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, parts: list[dict], criteria: list[dict], consented: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parts = parts
        self.criteria = criteria
        self.fields["consent_note"].required = consented
        if not consented:
            del self.fields["consent_note"]
        for index, part in enumerate(parts):
            self.fields[f"text_{index}"] = forms.CharField(
                label=part["prompt"] or _("Text"),
                initial=part.get("text", ""),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                strip=True,
            )
        for criterion in criteria:
            cid = int(criterion["id"])
            self.fields[f"met_{cid}"] = forms.ChoiceField(
                label=criterion.get("title", ""),
                help_text=criterion.get("description", ""),
                choices=MARKS,
                widget=forms.RadioSelect,
            )
            self.fields[f"why_{cid}"] = forms.CharField(
                label=_("Why (%(criterion)s)") % {"criterion": criterion.get("title", "")},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def text_fields(self) -> list:
        return [self[f"text_{i}"] for i in range(len(self.parts))]

    def criterion_fields(self) -> list[tuple]:
        return [(self[f"met_{c['id']}"], self[f"why_{c['id']}"]) for c in self.criteria]

    def content(self) -> list[dict]:
        return [
            {
                "part": part.get("part", ""),
                "prompt": part["prompt"],
                "text": self.cleaned_data.get(f"text_{i}", ""),
            }
            for i, part in enumerate(self.parts)
        ]

    def scores(self) -> dict[int, tuple[bool, str]]:
        return {
            int(c["id"]): (
                _mark(self.cleaned_data[f"met_{c['id']}"]) is True,
                self.cleaned_data.get(f"why_{c['id']}", ""),
            )
            for c in self.criteria
        }


class DashboardFilterForm(forms.Form):
    credential: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Credential"),
        queryset=MicroCredential.objects.none(),
        required=False,
        empty_label=_("All credentials"),
    )

    def __init__(self, *args: Any, credentials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credential"].queryset = credentials  # type: ignore[attr-defined]
