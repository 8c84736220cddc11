"""Input for the self-assessment, the review, assigning, settling and publishing.

The self-assessment and review forms have one group of fields per component,
named by the component's id, so a page of 50 components is one form.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Component, Mark, ReviewAssignment
from .services import EntryInput, Ratings, ScoreInput
from .widgets import WidgetRenderer

MARK_CHOICES = Mark.choices
RATING_CHOICES = [("", "-")] + [(str(n), str(n)) for n in range(1, 6)]


class SelfAssessmentForm(forms.Form):
    """Met / not yet met, a note and a pointer for every component (all optional while
    drafting; submitting for review checks completeness)."""

    # The self-assessment's revision the page was loaded with (named for the draft script).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, components: Iterable[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for component in self.components:
            key = component.pk
            self.fields[f"mark_{key}"] = forms.ChoiceField(
                label=_("Judgement"), choices=MARK_CHOICES, required=False, widget=forms.RadioSelect
            )
            self.fields[f"note_{key}"] = forms.CharField(
                label=gettext("Note on %(code)s") % {"code": component.code},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"pointer_{key}"] = forms.CharField(
                label=gettext("Where the credential meets %(code)s") % {"code": component.code},
                required=False,
                max_length=300,
                help_text=_("For example: Part 2, evidence 1; or the rubric's second criterion."),
            )

    def _given(self, name: str) -> str | None:
        """A posted, valid value (stripped); None for a field not posted (an unchosen
        radio) or refused, which the service then leaves as it is."""
        if name not in self.data or name not in self.cleaned_data:
            return None
        return str(self.cleaned_data[name]).strip()

    def entries(self) -> dict[int, EntryInput]:
        """What was posted and valid, per component id (components with nothing are left out)."""
        out = {}
        for component in self.components:
            key = component.pk
            entry = EntryInput(
                mark=self._given(f"mark_{key}"),
                note=self._given(f"note_{key}"),
                pointer=self._given(f"pointer_{key}"),
            )
            if (entry.mark, entry.note, entry.pointer) != (None, None, None):
                out[key] = entry
        return out

    def bound_rows(self) -> dict[int, tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return {
            c.pk: (self[f"mark_{c.pk}"], self[f"note_{c.pk}"], self[f"pointer_{c.pk}"])
            for c in self.components
        }


def field_copy(prototype: forms.Field, initial: Any = None) -> forms.Field:
    """A field of its own copied from a prototype: a shallow copy with its own widget
    attributes, as Django's copy of a form's declared fields, without copying the
    validators and choices nothing changes. Forms with a field per component (or per
    prompt) build hundreds; constructing each cost as much as rendering it."""
    field = copy.copy(prototype)
    field.widget = copy.copy(prototype.widget)
    field.widget.attrs = dict(prototype.widget.attrs)
    field.initial = initial
    return field


# A review's two fields per component, copied for each component.
REVIEW_MARK = forms.ChoiceField(
    label=_("Judgement"), choices=MARK_CHOICES, required=False, widget=forms.RadioSelect
)
REVIEW_FEEDBACK = forms.CharField(
    required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
)


class ReviewForm(forms.Form):
    """A reviewer's marks and feedback per component and the three 1-5 ratings."""

    # About 90 widgets for the default framework: rendered in Python, Django's markup.
    default_renderer = WidgetRenderer

    # The review's revision the page was loaded with (named for the draft script).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    scope = forms.TypedChoiceField(
        label=_("Scope: is the competency the right size for one micro-credential?"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 = not at all, 5 = fully."),
    )
    clarity = forms.TypedChoiceField(
        label=_("Clarity: would an educator understand what to do?"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 = not at all, 5 = fully."),
    )
    ease_of_use = forms.TypedChoiceField(
        label=_("Ease of use: can an educator complete and submit it without help?"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("1 = not at all, 5 = fully."),
    )
    comments = forms.CharField(
        label=_("Comments for the designer"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, components: Iterable[Component], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.components = list(components)
        for component in self.components:
            self.fields[f"mark_{component.pk}"] = field_copy(REVIEW_MARK)
            feedback = field_copy(REVIEW_FEEDBACK)
            feedback.label = gettext("Feedback on %(code)s") % {"code": component.code}
            self.fields[f"feedback_{component.pk}"] = feedback

    def _given(self, name: str) -> str | None:
        if name not in self.data or name not in self.cleaned_data:
            return None
        return str(self.cleaned_data[name]).strip()

    def scores(self) -> dict[int, ScoreInput]:
        """Posted, valid marks and feedback per component id; None keeps what is stored."""
        out = {}
        for component in self.components:
            score = ScoreInput(
                mark=self._given(f"mark_{component.pk}"),
                feedback=self._given(f"feedback_{component.pk}"),
            )
            if (score.mark, score.feedback) != (None, None):
                out[component.pk] = score
        return out

    def ratings(self, current: ReviewAssignment) -> Ratings:
        """The ratings and comments posted and valid; a field that was not posted or
        failed validation keeps the ``current`` value, never an empty one."""
        data = self.cleaned_data

        def kept(name: str) -> Any:
            if name in self.data and name in data:
                return data[name]
            return getattr(current, name)

        comments = kept("comments")
        return Ratings(
            scope=kept("scope"),
            clarity=kept("clarity"),
            ease_of_use=kept("ease_of_use"),
            comments=(comments or "").strip(),
        )

    def bound_rows(self) -> dict[int, tuple[forms.BoundField, forms.BoundField]]:
        return {c.pk: (self[f"mark_{c.pk}"], self[f"feedback_{c.pk}"]) for c in self.components}


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.email})" if getattr(obj, "name", "") else str(obj.email)


class AssignForm(forms.Form):
    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, eligible: Iterable[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviewers"]
        if isinstance(field, ReviewerChoiceField):
            field.queryset = User.objects.filter(pk__in=[u.pk for u in eligible]).order_by("email")


class SettleForm(forms.Form):
    component = forms.IntegerField(widget=forms.HiddenInput)
    mark = forms.ChoiceField(label=_("Settled judgement"), choices=Mark.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for publishing without a passing review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only staff allowed to override the quality gate can give one. It is recorded."
        ),
    )


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label=_("Framework file (JSON)"))


def initial_rows(values: Mapping[int, tuple[str, str, str]]) -> dict[str, str]:
    """Initial form data from stored (mark, note/feedback, pointer) per component id."""
    initial: dict[str, str] = {}
    for key, (mark, note, pointer) in values.items():
        initial[f"mark_{key}"] = mark
        initial[f"note_{key}"] = note
        initial[f"feedback_{key}"] = note
        initial[f"pointer_{key}"] = pointer
    return initial
