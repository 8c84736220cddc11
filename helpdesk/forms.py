"""Input for the help pages (search, contact) and the staff response form in the admin."""

from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser
from submissions.models import Submission

from . import selectors
from .models import Ticket, TicketStatus
from .services import MAX_ANSWER_CHARS

MAX_MESSAGE_CHARS = 5000
MAX_PAGE_CHARS = 500

# Links that open the form for a known situation fill in its subject (?reason=...).
REASONS = {
    "overdue": _("My review is taking longer than expected"),
    "payment": _("A question about paying the assessment fee"),
    "evidence": _("A question about my evidence files or links"),
}


def _without_maxlength(field: forms.Field) -> None:
    """Browsers cut text at ``maxlength`` without a word; the server says so instead."""
    field.widget.attrs.pop("maxlength", None)


def safe_page(value: str, *, host: str) -> str:
    """A path on this site (with its query), or "" for anything else."""
    value = (value or "").strip()
    if not value or any(ord(c) < 32 for c in value):
        return ""
    if not url_has_allowed_host_and_scheme(value, allowed_hosts={host}):
        return ""
    parts = urlsplit(value)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith("//") or len(path) > MAX_PAGE_CHARS:
        return ""
    return path


class FaqSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the help center"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("For example: coupon, Google Drive, refund, resubmit."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_maxlength(self.fields["q"])


class ContactForm(forms.Form):
    """A help request. Signed-in people choose among their own applications;
    anyone else gives the address to answer."""

    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send the answer here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    submission = forms.ChoiceField(
        label=_("Application this is about"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your own applications.")},
        help_text=_("Its submission ID is sent with your message."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your question"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, what you expected, and anything you already tried."),
        error_messages={
            "max_length": _(
                "Please keep your message under %(limit_value)d characters "
                "(it has %(show_value)d). Your text is still here."
            )
        },
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        user: AnyUser | None = None,
        submissions: Iterable[Submission] | None = None,
        host: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.host = host
        for field in ("name", "subject", "message"):
            _without_maxlength(self.fields[field])
        if user is not None and user.is_authenticated:
            del self.fields["name"]
            del self.fields["email"]
            self.submissions: dict[str, Submission] = {s.reference: s for s in submissions or []}
            cast(forms.ChoiceField, self.fields["submission"]).choices = [
                ("", gettext("None: a general question"))
            ] + [
                (s.reference, f"{s.reference} · {s.credential.title} ({s.get_status_display()})")
                for s in self.submissions.values()
            ]
        else:
            self.submissions = {}
            # An application is attached only for its signed-in owner.
            del self.fields["submission"]

    def clean_page(self) -> str:
        return safe_page(self.cleaned_data.get("page", ""), host=self.host)

    def clean_submission(self) -> Submission | None:
        reference = self.cleaned_data.get("submission") or ""
        return self.submissions.get(reference)


class TicketResponseForm(forms.ModelForm):
    """Staff's side of a ticket in the admin: assign, answer, reopen or close.

    Nothing here is a model field: the admin hands the cleaned values to
    ``helpdesk.services``, which records each change.
    """

    # Querysets are lazy and each form copies its own: agents are read per request.
    assign_to = forms.ModelChoiceField(
        queryset=selectors.helpdesk_agents(),
        required=False,
        label=_("Assigned to"),
        empty_label=pgettext_lazy("assigned to", "Nobody"),
    )
    answer = forms.CharField(
        required=False,
        max_length=MAX_ANSWER_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        help_text=_(
            "Emailed to the requester and shown under their help requests. "
            "Sending an answer marks the request answered."
        ),
    )
    set_status = forms.ChoiceField(
        choices=TicketStatus.choices,
        label=_("Set status"),
        help_text=_("Close a request that needs nothing more; reopen one to work on it again."),
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assign_to"].initial = self.instance.assignee_id
        self.fields["set_status"].initial = self.instance.status

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("set_status")
        if (
            status == TicketStatus.ANSWERED
            and self.instance.status != TicketStatus.ANSWERED
            and not (cleaned.get("answer") or "").strip()
        ):
            self.add_error(
                "answer", _("Write the answer here: sending it marks the request answered.")
            )
        return cleaned
