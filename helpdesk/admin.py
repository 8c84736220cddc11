"""Staff tools: the FAQ (topics and answers) and help requests (assign, answer, close).

FAQ content is edited here directly. Tickets are changed only through
``helpdesk.services``: the change form has no model fields, only the
response fields whose values the services apply, so every change is recorded
with its actor and time. Answering needs ``helpdesk.change_ticket``.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime

from audit.admin import AuditTrailAdminMixin
from audit.models import AuditEvent
from audit.selectors import audit_events_for
from config.admin_base import HistoryInline, ServiceRecordAdmin

from . import services
from .exceptions import HelpdeskError
from .forms import TicketResponseForm
from .markup import render_answer
from .models import FaqEntry, FaqTopic, Ticket, TicketReply, TicketStatus


@admin.register(FaqTopic)
class FaqTopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "is_published", "entry_count"]
    list_editable = ["position", "is_published"]
    search_fields = ["title", "summary"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_total=Count("entries"))

    @admin.display(description="Answers", ordering="entry_total")
    def entry_count(self, obj):
        return obj.entry_total

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("title",)}

    def get_readonly_fields(self, request, obj=None):
        # Pages link to the slug: fixed once saved.
        return ["slug"] if obj else []


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question", "topic", "position", "is_published", "updated_at"]
    list_editable = ["position", "is_published"]
    list_filter = ["topic", "is_published"]
    list_select_related = ["topic"]
    search_fields = ["question", "answer", "slug"]
    ordering = ["topic__position", "topic__title", "position", "id"]
    fields = ["topic", "question", "slug", "answer", "answer_preview", "position", "is_published"]

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else {"slug": ("question",)}

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "answer_preview"] if obj else ["answer_preview"]

    @admin.display(description="As learners see it")
    def answer_preview(self, obj):
        if obj is None or not obj.answer:
            return "Save to see the answer as it is shown on the help pages."
        return format_html('<div class="faq-preview">{}</div>', render_answer(obj.answer))


class TicketHistoryInline(HistoryInline):
    """Read-only rows under a ticket, visible to whoever may see the ticket."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("helpdesk.view_ticket") or request.user.has_perm(
            "helpdesk.change_ticket"
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketReplyInline(TicketHistoryInline):
    model = TicketReply
    fields = ["created_at", "author", "body"]
    verbose_name_plural = "Answers sent"


class AssigneeFilter(admin.SimpleListFilter):
    title = "assigned to"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Me"), ("nobody", "Nobody")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assignee=request.user)
        if self.value() == "nobody":
            return queryset.filter(assignee__isnull=True)
        return queryset


INFO_FIELDS = [
    "reference",
    "status",
    "assignee",
    "created_at",
    "answered_at",
    "requester",
    "email",
    "name",
    "submission_info",
    "page_link",
    "subject",
    "message_text",
    "history",
]
RESPONSE_FIELDS = ["assign_to", "set_status", "answer"]


@admin.register(Ticket)
class TicketAdmin(AuditTrailAdminMixin, ServiceRecordAdmin):
    form = TicketResponseForm
    list_display = [
        "reference",
        "subject",
        "email",
        "submission_reference",
        "status",
        "assignee",
        "created_at",
        "answered_at",
    ]
    list_filter = ["status", AssigneeFilter]
    list_select_related = ["submission", "assignee"]
    search_fields = ["reference", "email", "subject", "submission__reference"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    readonly_fields = INFO_FIELDS
    inlines = [TicketReplyInline]
    actions = ["assign_to_me", "close_tickets"]
    # The site's page for a request is its requester's alone.
    view_on_site = False

    def get_fieldsets(self, request, obj=None):
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [(None, {"fields": INFO_FIELDS})]
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append(("Respond", {"fields": RESPONSE_FIELDS}))
        return fieldsets

    @admin.display(description="Submission ID", ordering="submission__reference")
    def submission_reference(self, obj):
        return obj.submission.reference if obj.submission_id else ""

    @admin.display(description="Application")
    def submission_info(self, obj):
        submission = obj.submission
        if submission is None:
            return "-"
        text = (
            f"{submission.reference} · {submission.credential.title} "
            f"({submission.get_status_display()})"
        )
        try:
            url = reverse("admin:assessments_review_change", args=[submission.review.pk])
        except (ObjectDoesNotExist, NoReverseMatch):
            return text
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description="Sent from page")
    def page_link(self, obj):
        if not obj.page_url:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.page_url, obj.page_url)

    @admin.display(description="Message")
    def message_text(self, obj):
        return format_html('<div style="white-space: pre-wrap">{}</div>', obj.message)

    @admin.display(description="History")
    def history(self, obj):
        """The ticket's audit trail, oldest first: when, who, what.

        Shown to whoever may see the ticket (the full audit list needs
        ``audit.view_auditevent``, behind the "Audit trail" button).
        """
        events = list(audit_events_for(obj).order_by("created_at", "id"))
        if not events:
            return "-"
        ids = {e.after.get("assignee") for e in events} - {None}
        emails = dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "email"))
        rows = (
            (
                date_format(localtime(e.created_at), "SHORT_DATETIME_FORMAT"),
                e.actor_label,
                _describe(e, emails),
            )
            for e in events
        )
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {}</li>", rows))

    def save_model(self, request, obj, form, change):
        """Apply the response through the services: assign, answer, then reopen or close."""
        data = form.cleaned_data
        try:
            assignee = data.get("assign_to")
            if getattr(assignee, "pk", None) != obj.assignee_id:
                services.ticket_assign(ticket_id=obj.pk, assignee=assignee, actor=request.user)
            if (data.get("answer") or "").strip():
                services.ticket_answer(ticket_id=obj.pk, body=data["answer"], actor=request.user)
                self.message_user(request, f"Answer emailed to {obj.email}.", messages.SUCCESS)
            status = data.get("set_status")
            if "set_status" in form.changed_data and status != TicketStatus.ANSWERED:
                services.ticket_set_status(ticket_id=obj.pk, status=status, actor=request.user)
        except HelpdeskError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        obj.refresh_from_db()

    @admin.action(description="Assign to me", permissions=["change"])
    def assign_to_me(self, request, queryset):
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                services.ticket_assign(ticket_id=pk, assignee=request.user, actor=request.user)
            except HelpdeskError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            done += 1
        self.message_user(request, f"{done} request(s) assigned to you.", messages.SUCCESS)

    @admin.action(description="Close (no answer needed)", permissions=["change"])
    def close_tickets(self, request, queryset):
        done = 0
        for pk in queryset.exclude(status=TicketStatus.CLOSED).values_list("pk", flat=True):
            services.ticket_set_status(ticket_id=pk, status=TicketStatus.CLOSED, actor=request.user)
            done += 1
        self.message_user(request, f"{done} request(s) closed.", messages.SUCCESS)


def _describe(event: AuditEvent, emails: dict[int, str]) -> str:
    """One event in words: "closed (duplicate)", "assigned (agent@example.org)"."""
    what = event.verb.removeprefix("ticket.")
    assignee = event.after.get("assignee")
    detail = emails.get(assignee, "") if assignee else event.data.get("note", "")
    return f"{what} ({detail})" if detail else what
