"""Catalog search and filter input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class CatalogFilterForm(forms.Form):
    """The catalog's GET form. Unknown organizations or topics are ignored, not errors,
    so an old bookmark still shows the catalog."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, topic, skill…")}),
    )
    # Querysets are lazy and each form copies its own: choices are read per request.
    org = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=selectors.organization_list(),
        required=False,
        to_field_name="slug",
        empty_label=_("All organizations"),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=selectors.topic_list(),
        required=False,
        to_field_name="slug",
        empty_label=_("All topics"),
    )
    reviewed = forms.BooleanField(label=_("Quality reviewed"), required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters as query-string values; invalid ones are dropped."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        org = data.get("org")
        topic = data.get("topic")
        return {
            "q": (data.get("q") or "").strip(),
            "org": org.slug if org else "",
            "topic": topic.slug if topic else "",
            "reviewed": "1" if data.get("reviewed") else "",
        }
