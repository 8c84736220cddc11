"""Input validation for the assessor queue, the review page and staff reassignment."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.template.defaultfilters import linebreaksbr
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .exceptions import DecisionProblem
from .models import CriterionScore, Outcome, ScoringMark
from .services import ScoreInput

STATUS_CHOICES = [
    ("open", pgettext_lazy("reviews", "Open")),
    ("returned", pgettext_lazy("reviews", "Returned as incomplete")),
    ("awarded", pgettext_lazy("reviews", "Awarded")),
    ("denied", pgettext_lazy("reviews", "Denied")),
    ("all", pgettext_lazy("reviews", "All")),
]

SORT_CHOICES = [
    ("due", _("Due date (soonest first)")),
    ("-due", _("Due date (latest first)")),
    ("submitted", _("Submitted (oldest first)")),
    ("-submitted", _("Submitted (newest first)")),
    ("credential", _("Credential (A–Z)")),
    ("-credential", _("Credential (Z–A)")),
]


_OPTION = '<option value="{}">{}</option>'
_SELECTED = '<option value="{}" selected>{}</option>'


class QueueFilterForm(forms.Form):
    """The queue's filters. The credential choices are the (id, title) pairs the
    view passes; every field is rendered by ``field_html`` rather than through
    widget templates, since the queue is the assessor's busiest page."""

    credential = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Credential"),
        # The message a model choice gives, whatever the choice was.
        error_messages={
            "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
        },
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label=_("Status"))
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, label=_("Sort by"))
    assessor = forms.ChoiceField(required=False, label=_("Assessor"))

    def __init__(
        self,
        *args: Any,
        credentials: Iterable[tuple[int, str]],
        assessors: Iterable[User] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["credential"]).choices = [
            ("", pgettext("credentials", "All")),
            *credentials,
        ]
        if assessors is None:
            del self.fields["assessor"]
        else:
            cast(forms.ChoiceField, self.fields["assessor"]).choices = [
                ("", gettext("Everyone")),
                ("none", gettext("Unassigned")),
                *((str(user.pk), user.get_full_name()) for user in assessors),
            ]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "credential_id": data.get("credential"),
            "status": data.get("status") or "open",
            "sort": data.get("sort") or "due",
            "assessor": data.get("assessor") or "",
        }

    def field_html(self, name: str) -> SafeString:
        """One filter as ``components/field.html`` renders a select without errors:
        a label and a select with the submitted (or no) choice selected."""
        bound = self[name]
        field = cast(forms.ChoiceField, bound.field)
        value = bound.value()
        current = "" if value is None else str(value)
        # Each option is escaped by format_html, so the joined list is safe.
        options = SafeString(
            "\n".join(
                format_html(_SELECTED if str(key) == current else _OPTION, key, label)
                for key, label in cast(list[tuple[Any, Any]], field.choices)
            )
        )
        return format_html(
            '<div class="field">\n<label for="{id}">{label}</label>\n'
            '<select name="{name}" id="{id}">\n{options}\n</select>\n</div>',
            id=bound.id_for_label,
            label=bound.label,
            name=bound.html_name,
            options=options,
        )


MARK_CHOICES = [("met", _("Met")), ("not_met", _("Not yet met"))]
_MARKS: dict[bool | None, str] = {True: "met", False: "not_met"}

ACTION_SAVE = "save"
ACTION_CHOICES = [
    (ACTION_SAVE, _("Save progress")),
    (Outcome.AWARDED, pgettext_lazy("decision", "Award")),
    (Outcome.DENIED, pgettext_lazy("decision", "Deny")),
]


@dataclass(frozen=True)
class _RowField:
    """What ``ScoreForm.rows_html`` writes of a field: its name, id, label and value."""

    html_name: str
    auto_id: str
    label: Any
    value: Any

    @classmethod
    def of(cls, bound: forms.BoundField) -> "_RowField":
        return cls(bound.html_name, bound.auto_id, bound.label, bound.value())


class ScoreForm(forms.Form):
    """One mark and one feedback box per criterion of the submission's rubric."""

    comment = forms.CharField(
        label=_("Overall feedback"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown to the learner with the decision. Required to deny when no "
            "criterion is marked not yet met."
        ),
    )
    action = forms.ChoiceField(choices=ACTION_CHOICES, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        criteria: list[dict[str, Any]],
        scores: Mapping[int, CriterionScore | ScoringMark],
        comment: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self._fields["comment"].initial = comment
        # The criteria's fields are added when first asked for (``fields``): the
        # review page's blank form renders its rows (``rows_html``) without them,
        # and building two fields and widgets per criterion cost it more than that.
        self._scores: Mapping[int, CriterionScore | ScoringMark] | None = scores

    @property
    def fields(self) -> dict[str, forms.Field]:
        """The form's fields, each criterion's mark and feedback added on first use."""
        scores = self.__dict__.get("_scores")
        if scores is not None:
            self._scores = None
            for criterion in self.criteria:
                cid = int(criterion["id"])
                mark, feedback = self._initial(criterion, scores)
                self._fields[f"met_{cid}"] = forms.ChoiceField(
                    label=self._mark_label(criterion),
                    choices=MARK_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=mark,
                )
                self._fields[f"feedback_{cid}"] = forms.CharField(
                    label=self._feedback_label(criterion),
                    required=False,
                    max_length=10_000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=feedback,
                )
        return self._fields

    @fields.setter
    def fields(self, value: dict[str, forms.Field]) -> None:
        self._fields = value

    @staticmethod
    def _initial(
        criterion: dict[str, Any], scores: Mapping[int, CriterionScore | ScoringMark]
    ) -> tuple[str | None, str]:
        """The criterion's saved mark ("met", "not_met" or None) and feedback."""
        score = scores.get(int(criterion["id"]))
        return _MARKS.get(score.met if score else None), score.feedback if score else ""

    @staticmethod
    def _mark_label(criterion: dict[str, Any]) -> str:
        return gettext("Is “%(criterion)s” met?") % {"criterion": criterion.get("title", "")}

    @staticmethod
    def _feedback_label(criterion: dict[str, Any]) -> str:
        return gettext("Feedback on “%(criterion)s”") % {"criterion": criterion.get("title", "")}

    def rows(self) -> Iterator[tuple[dict[str, Any], forms.BoundField, forms.BoundField]]:
        """(criterion, mark field, feedback field) for each criterion, in order."""
        for criterion in self.criteria:
            cid = int(criterion["id"])
            yield criterion, self[f"met_{cid}"], self[f"feedback_{cid}"]

    def _row_values(self) -> Iterator[tuple[dict[str, Any], _RowField, _RowField]]:
        """(criterion, mark, feedback) as ``rows`` gives them, reduced to what
        ``rows_html`` writes; for a blank form from the saved scores, without
        building its fields."""
        scores = self.__dict__.get("_scores")
        if scores is None or self.is_bound:
            for criterion, mark, feedback in self.rows():
                yield criterion, _RowField.of(mark), _RowField.of(feedback)
            return
        for criterion in self.criteria:
            cid = int(criterion["id"])
            saved_mark, saved_feedback = self._initial(criterion, scores)
            yield (
                criterion,
                self._blank(f"met_{cid}", self._mark_label(criterion), saved_mark),
                self._blank(f"feedback_{cid}", self._feedback_label(criterion), saved_feedback),
            )

    def _blank(self, name: str, label: str, saved: Any) -> _RowField:
        """A field of the blank form as its ``BoundField`` would give it."""
        html_name = self.add_prefix(name)
        auto_id = str(self.auto_id) if self.auto_id else ""
        if auto_id:
            auto_id = auto_id % html_name if "%s" in auto_id else html_name
        return _RowField(html_name, auto_id, label, self.initial.get(name, saved))

    def rows_html(self) -> SafeString:
        """The criteria's fieldsets as the review page's template renders them for
        a form without errors (a mark and a feedback box each), built here rather
        than through widget and field templates: the assessor opens this page
        for every review. A form with errors goes through the templates."""
        # Plain strings escaped one by one: ``format_html`` per radio and per
        # criterion cost the page more than the markup itself.
        choices = [(value, escape(label)) for value, label in MARK_CHOICES]
        html = []
        for criterion, mark, feedback in self._row_values():
            current = str(mark.value)
            name, mark_id = escape(mark.html_name), escape(mark.auto_id)
            radios = "".join(
                f'<li><input type="radio" name="{name}" value="{value}" id="{mark_id}_{n}"'
                f"{' checked' if value == current else ''}>"
                f' <label for="{mark_id}_{n}">{label}</label></li>'
                for n, (value, label) in enumerate(choices)
            )
            fid = escape(feedback.auto_id)
            description = linebreaksbr(criterion.get("description", ""), autoescape=True)
            html.append(
                f'<fieldset class="criterion" id="criterion-{escape(criterion.get("id", ""))}">\n'
                f"<legend>{escape(criterion.get('title', ''))}</legend>\n<p>{description}</p>\n"
                f'<div role="radiogroup" aria-label="{escape(mark.label)}">\n'
                f'<ul class="marks">\n{radios}\n</ul>\n</div>\n'
                f'<div class="field">\n<label for="{fid}">{escape(feedback.label)}</label>\n'
                f'<textarea name="{escape(feedback.html_name)}" cols="40" rows="3"'
                f' maxlength="10000" id="{fid}">\n{escape(feedback.value or "")}</textarea>\n'
                "</div>\n</fieldset>"
            )
        return SafeString("\n".join(html))

    def comment_html(self) -> SafeString:
        """The overall feedback box as ``components/field.html`` renders it for a
        field without errors (label, textarea, help), built here like the rows."""
        # Bound here rather than by ``self["comment"]``, which adds the criteria's fields.
        comment = self._fields["comment"].get_bound_field(self, "comment")
        return format_html(
            '<div class="field">\n<label for="{id}">{label}</label>\n'
            '<textarea name="{name}" cols="40" rows="4" maxlength="10000"'
            ' aria-describedby="{id}_helptext" id="{id}">\n{value}</textarea>\n'
            '<p class="help" id="{id}_helptext">{help}</p>\n</div>',
            id=comment.auto_id,
            label=comment.label,
            name=comment.html_name,
            value=comment.value() or "",
            help=comment.help_text,
        )

    def scores(self) -> dict[int, ScoreInput]:
        result = {}
        for criterion in self.criteria:
            cid = int(criterion["id"])
            mark = self.cleaned_data.get(f"met_{cid}")
            result[cid] = ScoreInput(
                met={"met": True, "not_met": False}.get(mark or ""),
                feedback=self.cleaned_data.get(f"feedback_{cid}", ""),
            )
        return result

    def add_decision_problems(self, problems: Iterable[DecisionProblem]) -> None:
        for criterion_id, field_name, message in problems:
            name = "comment" if criterion_id is None else f"{field_name}_{criterion_id}"
            self.add_error(name if name in self.fields else None, message)


class AssessorChoiceField(forms.ModelChoiceField):
    """Assessors annotated with ``open_reviews`` (``selectors.eligible_assessors``)."""

    def label_from_instance(self, obj: Any) -> str:
        return gettext("%(name)s <%(email)s> – %(count)s open") % {
            "name": obj.get_full_name(),
            "email": obj.email,
            "count": obj.open_reviews,
        }


class ReassignForm(forms.Form):
    # The admin passes the assessors eligible for the review.
    assessor = AssessorChoiceField(queryset=User.objects.none(), label=_("New assessor"))
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))

    def __init__(self, *args: Any, assessors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AssessorChoiceField, self.fields["assessor"]).queryset = assessors
