"""Input validation for the studio's pages.

A save writes only what arrived and passed validation: a field with an error
stays in the form, beside its message, and its stored value is kept; a field
that did not arrive (a truncated request) is never written back as empty.
Amounts are typed in the currency's units and stored in cents.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from credentials.models import (
    EvidenceKind,
    EvidenceRequirement,
    MicroCredential,
    Part,
    Prompt,
    RubricCriterion,
    Topic,
)
from credentials.services import CredentialChanges, StudioAction
from quality.forms import field_copy
from quality.widgets import WidgetRenderer

TEXT_LIMIT = 20000


def _text(label: str | Any, *, rows: int = 4, required: bool = False, **kwargs: Any) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows, "data-autosave": ""}),
        **kwargs,
    )


def _line(label: str | Any, *, max_length: int = 200, required: bool = False) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.TextInput(attrs={"data-autosave": ""}),
    )


class MoneyField(forms.DecimalField):
    """An amount in the currency's units (12.50), cleaned to cents (1250)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            required=False,
            min_value=Decimal("0"),
            max_value=Decimal("100000"),
            decimal_places=2,
            max_digits=8,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "data-autosave": ""}),
            **kwargs,
        )

    def clean(self, value: Any) -> int:  # type: ignore[override]
        amount = super().clean(value)
        return int((amount or Decimal("0")) * 100)


def _number(label: str | Any, *, required: bool = False, **kwargs: Any) -> Any:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=kwargs.pop("min_value", 1),
        widget=forms.NumberInput(attrs={"data-autosave": ""}),
        **kwargs,
    )


class CredentialCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=400,
        help_text=_("One or two sentences for the catalog."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _position_field() -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0,
        max_value=10000,
        widget=forms.HiddenInput(attrs={"data-position": ""}),
    )


def _required_field() -> forms.BooleanField:
    return forms.BooleanField(label=_("Required"), required=False)


# Each item's fields, built once: a long draft has hundreds, and building a form
# field (with its widget and validators) per value cost as much as rendering it.
PROMPT_FIELDS: dict[str, forms.Field] = {
    "part": forms.TypedChoiceField(
        label=_("Part"),
        choices=Part.choices,
        coerce=int,
        widget=forms.Select(attrs={"data-autosave": ""}),
    ),
    "position": _position_field(),
    "text": _text(_("Prompt")),
    "help_text": _text(_("Help for the learner"), rows=2),
    "word_limit": _number(_("Word limit"), max_value=10000, help_text=_("Empty: no limit.")),
    "required": _required_field(),
}
REQUIREMENT_FIELDS: dict[str, forms.Field] = {
    "position": _position_field(),
    "title": _line(_("Evidence")),
    "description": _text(_("Description"), rows=2),
    "kind": forms.ChoiceField(
        label=_("Accepted as"),
        choices=EvidenceKind.choices,
        widget=forms.Select(attrs={"data-autosave": ""}),
    ),
    "required": _required_field(),
}
CRITERION_FIELDS: dict[str, forms.Field] = {
    "position": _position_field(),
    "title": _line(_("Criterion")),
    "description": _text(_("What “met” looks like"), rows=3),
}


class StudioForm(forms.Form):
    """Everything the edit page shows for one version, with the page's action."""

    # Hundreds of widgets on a long draft: rendered in Python, Django's markup.
    default_renderer = WidgetRenderer

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = _line(_("Title"), required=True)
    summary = _text(_("Summary"), rows=2, help_text=_("One or two sentences for the catalog."))
    overview = _text(_("Overview"), rows=5)
    competency = _text(_("Competency"), help_text=_("The competency the educator demonstrates."))
    key_method = _text(_("Key method"), help_text=_("The key method the educator applies."))
    method_components = _text(_("Method components"), rows=5)
    research = _text(_("Research and resources"), rows=5)
    evidence_instructions = _text(
        _("Submission guidelines"), help_text=_("Shown above the evidence uploads in Part 2.")
    )
    estimated_hours = _number(_("Estimated effort in hours"), max_value=500)
    fee = MoneyField(
        label=_("Assessment fee"),
        help_text=_("In the currency's units, e.g. 75 or 12.50; 0 is free."),
    )
    resubmission_fee = MoneyField(label=_("Resubmission fee"), help_text=_("0 is free."))
    validity_months = _number(
        _("Awards expire after (months)"),
        max_value=600,
        help_text=_("Leave empty for awards that never expire."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        required=False,
        queryset=Topic.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    # Present on the page, so an unchecked list of topics means "none", not "not sent".
    topics_sent = forms.BooleanField(required=False, widget=forms.HiddenInput)
    action = forms.CharField(required=False, max_length=60)

    def __init__(self, *args: Any, credential: MicroCredential, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.credential = credential
        self.prompts: list[Prompt] = list(credential.prompts.all())
        self.requirements: list[EvidenceRequirement] = list(credential.evidence_requirements.all())
        self.criteria: list[RubricCriterion] = list(credential.rubric_criteria.all())
        self.fields["topics"].initial = [t.pk for t in credential.topics.all()]
        cast(forms.ModelMultipleChoiceField, self.fields["topics"]).queryset = Topic.objects.all()
        self.fields["topics_sent"].initial = True
        for name in (
            "title",
            "summary",
            "overview",
            "competency",
            "key_method",
            "method_components",
            "research",
            "evidence_instructions",
            "estimated_hours",
            "validity_months",
        ):
            self.fields[name].initial = getattr(credential, name)
        self.fields["fee"].initial = Decimal(credential.fee_cents) / 100
        self.fields["resubmission_fee"].initial = Decimal(credential.resubmission_fee_cents) / 100
        for prompt in self.prompts:
            self._add_item("prompt", prompt, PROMPT_FIELDS)
        for requirement in self.requirements:
            self._add_item("requirement", requirement, REQUIREMENT_FIELDS)
        for criterion in self.criteria:
            self._add_item("criterion", criterion, CRITERION_FIELDS)

    def _add_item(self, kind: str, item: Any, prototypes: dict[str, forms.Field]) -> None:
        """The item's fields, copied from the prototypes with the item's values."""
        prefix = f"{kind}_{item.pk}_"
        for name, prototype in prototypes.items():
            self.fields[prefix + name] = field_copy(prototype, getattr(item, name))

    def _arrived(self, name: str) -> bool:
        widget = self.fields[name].widget
        if isinstance(widget, forms.CheckboxInput):
            # An unchecked box is never sent: it counts when its row's text arrived.
            row = name.rsplit("_", 1)[0]
            return any(
                self._arrived(f"{row}_{text}")
                for text in ("text", "title")
                if f"{row}_{text}" in self.fields
            )
        return not widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))

    def _good(self, name: str) -> bool:
        return name in self.fields and self._arrived(name) and name not in self.errors

    def clean_action(self) -> StudioAction | None:
        raw = (self.cleaned_data.get("action") or "").split(":")
        try:
            if raw[0] == "add" and raw[1] in ("prompt", "requirement", "criterion"):
                part = int(raw[2]) if len(raw) > 2 else None
                return StudioAction(verb="add", kind=raw[1], part=part)  # type: ignore[arg-type]
            if raw[0] == "remove" and raw[1] in ("prompt", "requirement", "criterion"):
                return StudioAction(verb="remove", kind=raw[1], item_id=int(raw[2]))  # type: ignore[arg-type]
            if raw[0] == "move" and raw[3] in ("up", "down"):
                return StudioAction(
                    verb="move",
                    kind=raw[1],  # type: ignore[arg-type]
                    item_id=int(raw[2]),
                    direction=raw[3],  # type: ignore[arg-type]
                )
        except (IndexError, ValueError):
            pass
        return None

    def changes(self) -> CredentialChanges:
        """What to save: the values that arrived and are valid, with the page's action."""
        data = self.cleaned_data
        own: dict[str, Any] = {}
        for name in (
            "title",
            "summary",
            "overview",
            "competency",
            "key_method",
            "method_components",
            "research",
            "evidence_instructions",
            "validity_months",
        ):
            if self._good(name):
                own[name] = data[name]
        if self._good("estimated_hours") and data["estimated_hours"] is not None:
            own["estimated_hours"] = data["estimated_hours"]
        for name, column in (("fee", "fee_cents"), ("resubmission_fee", "resubmission_fee_cents")):
            if self._good(name):
                own[column] = data[name]
        topics = None
        if data.get("topics_sent") and "topics" not in self.errors:
            topics = [t.pk for t in data.get("topics") or []]

        def rows(items: list[Any], kind: str, names: tuple[str, ...]) -> dict[int, dict[str, Any]]:
            found: dict[int, dict[str, Any]] = {}
            for item in items:
                values = {}
                for name in names:
                    key = f"{kind}_{item.pk}_{name}"
                    if self._good(key):
                        values[name] = data[key]
                if values:
                    found[item.pk] = values
            return found

        return CredentialChanges(
            fields=own,
            topics=topics,
            prompts=rows(
                self.prompts,
                "prompt",
                ("part", "position", "text", "help_text", "word_limit", "required"),
            ),
            requirements=rows(
                self.requirements,
                "requirement",
                ("position", "title", "description", "kind", "required"),
            ),
            criteria=rows(self.criteria, "criterion", ("position", "title", "description")),
            action=data.get("action"),
        )

    def flag_unsaved(self, *, stored: dict[str, Any] | None = None) -> None:
        """Mark what the page shows but the database does not hold (refused values;
        after a conflict, every value that differs from ``stored``), so the page's
        script keeps a copy in the browser and warns before leaving."""
        for name, bound_field in self.fields.items():
            attrs = bound_field.widget.attrs
            if name in self.errors and name in self.data:
                attrs.update(
                    {
                        "aria-invalid": "true",
                        "aria-describedby": f"id_{name}_invalid",
                        "data-refused": "true",
                        "data-unsaved": "true",
                    }
                )
            elif stored is not None and "data-autosave" in attrs and name in self.data:
                if str(self.data.get(name, "")) != str(stored.get(name, "") or ""):
                    attrs["data-unsaved"] = "true"

    def field_errors(self) -> dict[str, list[str]]:
        """Why each refused value was not saved, by field name (for the page's script)."""
        return {
            name: [str(message) for message in messages]
            for name, messages in self.errors.items()
            if name in self.fields and name != "version"
        }

    # --- what the template lays out --------------------------------------------------

    def prompt_parts(self) -> list[dict[str, Any]]:
        """Parts 1-4, each with its prompts' bound fields in order."""
        parts = []
        for number, label in Part.choices:
            items = sorted(
                (
                    p
                    for p in self.prompts
                    if self._value_of(f"prompt_{p.pk}_part", p.part) == number
                ),
                key=lambda p: (self._value_of(f"prompt_{p.pk}_position", p.position), p.pk),
            )
            parts.append(
                {
                    "number": number,
                    "label": label,
                    "items": [self._item("prompt", p, p.text) for p in items],
                }
            )
        return parts

    def requirement_items(self) -> list[dict[str, Any]]:
        return self._ordered("requirement", self.requirements)

    def criterion_items(self) -> list[dict[str, Any]]:
        return self._ordered("criterion", self.criteria)

    def _ordered(self, kind: str, items: list[Any]) -> list[dict[str, Any]]:
        ordered = sorted(
            items, key=lambda i: (self._value_of(f"{kind}_{i.pk}_position", i.position), i.pk)
        )
        return [self._item(kind, i, i.title) for i in ordered]

    def _value_of(self, name: str, default: int) -> int:
        try:
            return int(self[name].value())
        except (TypeError, ValueError):
            return default

    def _item(self, kind: str, item: Any, name: str) -> dict[str, Any]:
        prefix = f"{kind}_{item.pk}_"
        return {
            "kind": kind,
            "pk": item.pk,
            "name": name,
            "fields": {
                key[len(prefix) :]: self[key] for key in self._item_fields().get(prefix, [])
            },
        }

    def _item_fields(self) -> dict[str, list[str]]:
        """Field names by item prefix (``prompt_12_``), in order; built once per form
        rather than scanning every field for every item."""
        if not hasattr(self, "_fields_by_item"):
            found: dict[str, list[str]] = {}
            for key in self.fields:
                kind, _, rest = key.partition("_")
                pk, _, _name = rest.partition("_")
                if kind in ("prompt", "requirement", "criterion") and pk.isdigit():
                    found.setdefault(f"{kind}_{pk}_", []).append(key)
            self._fields_by_item = found
        return self._fields_by_item
