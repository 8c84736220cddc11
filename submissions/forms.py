"""Input validation for the application page.

Saving a draft keeps what a learner wrote: answers over their word limit are
kept and flagged. An answer that cannot be stored as it is (a null character,
over 50,000 characters) or that did not arrive with the save is refused with a
message beside it, and its stored text stays as it was: a field that failed
validation or was not posted is never written back as an empty answer.
Completeness is checked by the submit service.
"""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from credentials.models import EvidenceRequirement

from .collaborators import format_collaborators, parse_collaborators
from .html import WidgetRenderer
from .models import AttestationKind, Submission
from .uploads import ACCEPT_ATTRIBUTE
from .words import answer_problem, count_words, normalize_answer, over_limit

MISSING_ANSWER = _(
    "This answer did not arrive with your save, so the saved answer was kept (shown here). "
    "Check it and save again."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files; size and type are checked by content later."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data]


class AnswerField(forms.CharField):
    """An answer exactly as typed: never stripped or cut, refused whole if it cannot be stored."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=False, **kwargs)

    def to_python(self, value: Any) -> str:
        return normalize_answer(super().to_python(value) or "")

    def validate(self, value: Any) -> None:
        super().validate(value)
        problem = answer_problem(value)
        if problem:
            raise ValidationError(problem, code="unstorable")


class DraftAnswersForm(forms.Form):
    """The written answers of a draft and the version the page was loaded with.

    What a background save carries; the application page's form adds the
    evidence, the attestations and the declarations. Reads nothing beyond the
    draft's answers, so a save costs no query for the rest of the page.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.submission = submission
        self.responses = list(submission.responses.all())
        for response in self.responses:
            name = f"response_{response.pk}"
            attrs = {"data-word-limit": response.word_limit or "", "rows": 8}
            self.fields[name] = AnswerField(
                label=response.prompt_text,
                widget=forms.Textarea(attrs=attrs),
                initial=response.text,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        for name in self.missing_answers():
            self.add_error(name, MISSING_ANSWER)
        return self.cleaned_data

    def _answer_names(self) -> list[str]:
        return [f"response_{r.pk}" for r in self.responses]

    def missing_answers(self) -> list[str]:
        """Answer fields the save did not carry (a truncated or crafted request)."""
        return [
            name
            for name in self._answer_names()
            if self.fields[name].widget.value_omitted_from_data(
                self.data, self.files, self.add_prefix(name)
            )
        ]

    def answer_errors(self) -> dict[str, list[str]]:
        """Why each refused answer was not saved, by field name."""
        return {
            name: [str(message) for message in self.errors[name]]
            for name in self._answer_names()
            if name in self.errors
        }

    def answers(self) -> dict[int, str]:
        """The answers that arrived and passed validation; any other keeps its stored text."""
        return {
            r.pk: self.cleaned_data[f"response_{r.pk}"]
            for r in self.responses
            if f"response_{r.pk}" in self.cleaned_data
        }


class ApplicationForm(DraftAnswersForm):
    # A dozen fields and a box per prompt: widgets built in Python, Django's markup.
    default_renderer = WidgetRenderer

    # A field named like Form.files (the posted files): the form's metaclass moves
    # fields off the class, so the form's own files attribute is untouched.
    files = MultipleFileField(  # type: ignore[assignment]
        required=False,
        label=_("Add files"),
        help_text=_(
            "Documents, PDFs, images, audio or video. The content decides the type, not the "
            "file name."
        ),
    )
    file_requirement = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("These files are evidence for")
    )
    link_title = forms.CharField(required=False, max_length=200, label=_("Link title"))
    link_url = forms.CharField(
        required=False,
        max_length=1000,
        label=_("Link address"),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    link_requirement = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("This link is evidence for")
    )

    def __init__(self, *args: Any, submission: Submission, **kwargs: Any) -> None:
        super().__init__(*args, submission=submission, **kwargs)
        self.requirements = list(submission.credential.evidence_requirements.all())
        choices = [("", gettext("General evidence"))] + [(r.pk, r.title) for r in self.requirements]
        cast(forms.ChoiceField, self.fields["file_requirement"]).choices = choices
        cast(forms.ChoiceField, self.fields["link_requirement"]).choices = choices
        for kind in AttestationKind:
            self.fields[f"attest_{kind.value}"] = forms.BooleanField(
                required=False, label=kind.label
            )
        self.fields["collaborators"] = forms.CharField(
            required=False,
            max_length=5000,
            label=_("Colleagues you worked with"),
            help_text=_(
                "One per line: a name or an email address (or both, as Name <email>). "
                "Leave it empty if you worked alone."
            ),
            widget=forms.Textarea(attrs={"rows": 3}),
            initial=format_collaborators(submission.collaborators),
        )
        if submission.previous_id:
            self.fields["resubmission_note"] = forms.CharField(
                required=False,
                max_length=3000,
                label=_("What I changed since my last attempt"),
                help_text=_(
                    "A few sentences for the assessor: what you revised, added or removed "
                    "after the feedback."
                ),
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=submission.resubmission_note,
            )

    def clean_collaborators(self) -> list[dict[str, str]]:
        return parse_collaborators(self.cleaned_data.get("collaborators") or "")

    def _posted(self, name: str) -> bool:
        return name in self.fields and not self.fields[name].widget.value_omitted_from_data(
            self.data, self.files, self.add_prefix(name)
        )

    def collaborators(self) -> list[dict[str, str]] | None:
        """The declared colleagues, or None when the field did not arrive or was refused
        (the stored list is then kept)."""
        if not self._posted("collaborators") or "collaborators" in self.errors:
            return None
        value: list[dict[str, str]] = self.cleaned_data.get("collaborators", [])
        return value

    def resubmission_note(self) -> str | None:
        """The note on a resubmission, or None when it did not arrive or was refused."""
        if not self._posted("resubmission_note") or "resubmission_note" in self.errors:
            return None
        return str(self.cleaned_data.get("resubmission_note", "")).strip()

    def clean_link_url(self) -> str:
        url = self.cleaned_data["link_url"].strip()
        if url:
            URLValidator(
                schemes=["http", "https"],
                message=gettext("Enter a web address that starts with http:// or https://."),
            )(url)
        return url

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        title, url = (data.get("link_title") or "").strip(), data.get("link_url") or ""
        if url and not title:
            self.add_error(
                "link_title", gettext("Give the link a title so the assessor knows what it is.")
            )
        if title and not url and "link_url" not in self.errors:
            self.add_error("link_url", gettext("Enter the link's address."))
        return super().clean()

    def link_is_valid(self) -> bool:
        return not any(
            name in self.errors for name in ("link_title", "link_url", "link_requirement")
        )

    def _requirement(self, pk: int | None) -> EvidenceRequirement | None:
        return next((r for r in self.requirements if r.pk == pk), None)

    def uploads(self) -> list[tuple[UploadedFile, EvidenceRequirement | None]]:
        requirement = self._requirement(self.cleaned_data.get("file_requirement"))
        return [(f, requirement) for f in self.cleaned_data.get("files") or []]

    def new_link(self) -> dict[str, Any] | None:
        url = self.cleaned_data.get("link_url")
        if not url:
            return None
        return {
            "title": self.cleaned_data["link_title"].strip(),
            "url": url,
            "requirement": self._requirement(self.cleaned_data.get("link_requirement")),
        }

    def attestations(self) -> set[str]:
        return {k.value for k in AttestationKind if self.cleaned_data.get(f"attest_{k.value}")}

    def prompt_rows(self) -> list[dict[str, Any]]:
        """Each answer field with its part, live word count and limit status."""
        rows = []
        for response in self.responses:
            bound = self[f"response_{response.pk}"]
            text = bound.value() or ""
            words = count_words(text)
            over = over_limit(text, response.word_limit)
            rows.append(
                {
                    "response": response,
                    "field": bound,
                    "words": words,
                    "over": over,
                    "anchor": response.anchor,
                    # Shown but not stored (refused, or kept from a refused save):
                    # the page must not be left without a warning.
                    "unsaved": normalize_answer(text) != response.text,
                }
            )
        return rows

    def attestation_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(k.value, self[f"attest_{k.value}"]) for k in AttestationKind]
