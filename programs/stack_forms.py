"""The form an organization's designers define a stack with."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from credentials.models import MicroCredential, Organization

from .models import StackRule


def _member_label(credential: MicroCredential) -> str:
    return f"{credential.title} ({credential.organization.name})"


class StackDefineForm(forms.Form):
    """A new stack: its issuer, rule, credits, member credentials (from any
    organization) and external achievements, one per line."""

    organization = forms.ModelChoiceField(
        label=_("Issuer of the stack award"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea({"rows": 3})
    )
    rule = forms.ChoiceField(label=_("Rule"), choices=StackRule.choices)
    count = forms.IntegerField(
        label=_("How many"),
        min_value=0,
        initial=0,
        help_text=_("N of M: how many members; required + electives: how many electives."),
    )
    credit_hours = forms.DecimalField(
        label=_("Credit hours"), min_value=Decimal(0), max_digits=5, decimal_places=1, initial=0
    )
    validity_months = forms.IntegerField(
        label=_("Award valid for (months)"),
        min_value=1,
        required=False,
        help_text=_("Leave empty for an award that does not expire."),
    )
    credentials = forms.ModelMultipleChoiceField(
        label=_("Member credentials"),
        queryset=MicroCredential.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required = forms.ModelMultipleChoiceField(
        label=_("Required ones (required + electives)"),
        queryset=MicroCredential.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    externals = forms.CharField(
        label=_("External Open Badges"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("One per line: the achievement id (a URL), a space, then its name."),
    )

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        published = (
            MicroCredential.objects.published()
            .select_related("organization")
            .order_by("title", "id")
        )
        for name in ("credentials", "required"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
            field.queryset = published
            field.label_from_instance = _member_label  # type: ignore[method-assign,assignment]
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)  # noqa: S101 - declared above
        organization.queryset = organizations  # type: ignore[assignment]

    def clean_externals(self) -> list[tuple[str, str]]:
        """``(achievement id, name)`` per non-empty line; an invalid id is an error."""
        pairs = []
        for line in (self.cleaned_data.get("externals") or "").splitlines():
            if not line.strip():
                continue
            url, _sep, name = line.strip().partition(" ")
            try:
                URLValidator(schemes=["https", "http"])(url)
            except ValidationError:
                raise ValidationError(
                    _("%(line)s: the line must start with the achievement id, a URL.")
                    % {"line": line.strip()[:80]}
                ) from None
            pairs.append((url, name.strip() or url))
        return pairs

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = list(data.get("credentials") or [])
        externals = data.get("externals") or []
        total = len(chosen) + len(externals)
        if not total:
            self.add_error("credentials", _("Choose at least one member."))
        required = list(data.get("required") or [])
        if any(c not in chosen for c in required):
            self.add_error("required", _("A required credential must also be a member."))
        count = int(data.get("count") or 0)
        rule = data.get("rule")
        if rule == StackRule.N_OF_M and not 0 < count <= total:
            self.add_error("count", _("Give a number between 1 and the number of members."))
        if rule == StackRule.REQUIRED_ELECTIVES and count > total - len(required):
            self.add_error("count", _("There are not that many electives."))
        return data
