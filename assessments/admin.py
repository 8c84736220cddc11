"""Staff tools: assessor scopes, reviews with their assignments and reassignment,
awards, and the review SLA overview."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from audit.admin import AuditTrailAdminMixin, audit_trail_url
from config.admin_base import HistoryInline, ServiceRecordAdmin

from . import scoring, selectors, services
from .exceptions import AssessmentError
from .forms import ReassignForm
from .models import (
    AssessorCertification,
    AssessorScope,
    Assignment,
    Award,
    CriterionScore,
    OrganizationReviewSettings,
    Review,
    ReviewState,
    Scoring,
    ScoringMark,
    ScoringModel,
    ScoringPolicy,
    ScoringState,
)


@admin.register(AssessorScope)
class AssessorScopeAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    list_display = ["user", "credential", "organization", "is_active", "created_at"]
    list_filter = ["is_active", "organization"]
    list_select_related = ["user", "credential", "organization"]
    search_fields = ["user__email", "user__name", "credential__title", "organization__name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        waiting = services.assessor_scope_save(scope=obj, actor=request.user)
        if waiting:
            self.message_user(
                request,
                f"{waiting} review{pluralize(waiting)} waiting for an assessor "
                f"{pluralize(waiting, 'is,are')} being assigned.",
                messages.SUCCESS,
            )


class SlaFilter(admin.SimpleListFilter):
    title = "SLA"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due_week", "Due within 7 days"),
            ("unassigned", "Unassigned"),
            ("escalated", "Escalated"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_reviews = Q(state=ReviewState.OPEN)
        match self.value():
            case "overdue":
                return queryset.filter(open_reviews, due_on__lt=today)
            case "due_week":
                return queryset.filter(
                    open_reviews,
                    due_on__gte=today,
                    due_on__lte=today + datetime.timedelta(days=7),
                )
            case "unassigned":
                return queryset.filter(open_reviews, assessor__isnull=True)
            case "escalated":
                return queryset.filter(open_reviews, escalated_at__isnull=False)
        return queryset


class AssignmentInline(HistoryInline):
    model = Assignment
    fields = ["assessor", "assigned_at", "assigned_by", "reason", "ended_at"]


class CriterionScoreInline(HistoryInline):
    model = CriterionScore
    fields = ["title", "met", "feedback", "updated_at"]


class ScoringInline(HistoryInline):
    """Every scoring of a paired or sampled review (the marks are on each scoring's page)."""

    model = Scoring
    fields = ["kind", "assessor", "state", "outcome", "submitted_at", "comment"]
    show_change_link = True


@admin.register(Review)
class ReviewAdmin(AuditTrailAdminMixin, ServiceRecordAdmin):
    """Reviews are changed only through the review page and the reassign form.

    The change page links to the review's audit trail (opened, assigned,
    decided) and to its application's (applied, submitted, paid, decided):
    applications have no admin page of their own.
    """

    change_form_template = "admin/assessments/review/change_form.html"
    change_list_template = "admin/assessments/review/change_list.html"
    list_display = [
        "reference",
        "credential",
        "assessor",
        "state",
        "outcome",
        "due_on",
        "reminder_sent_at",
        "escalated_at",
        "decided_at",
    ]
    list_filter = [SlaFilter, "state", "outcome", "submission__credential"]
    list_select_related = ["submission", "submission__credential", "assessor"]
    search_fields = ["submission__reference", "assessor__email"]
    date_hierarchy = "due_on"
    ordering = ["state", "due_on"]
    fields = (
        "submission",
        "assessor",
        "assigned_at",
        "state",
        "due_on",
        "remind_on",
        "reminder_sent_at",
        "escalated_at",
        "escalation_count",
        "next_escalation_on",
        "overdue_reassigned_at",
        "progress_saved_at",
        "outcome",
        "comment",
        "decided_by",
        "decided_at",
    )
    readonly_fields = fields
    inlines = [AssignmentInline, CriterionScoreInline, ScoringInline]
    actions = ["assign_least_loaded"]

    @admin.display(description="Submission ID", ordering="submission__reference")
    def reference(self, obj):
        return obj.submission.reference

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["application_trail_url"] = audit_trail_url(request, obj.submission)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    @admin.display(description="Credential", ordering="submission__credential__title")
    def credential(self, obj):
        return obj.submission.credential

    @admin.action(
        description="Assign to the least-loaded other eligible assessor",
        permissions=["change"],
    )
    def assign_least_loaded(self, request, queryset):
        done, failed = 0, []
        for review in queryset.filter(state=ReviewState.OPEN).select_related("submission"):
            try:
                services.review_assign_least_loaded(review_id=review.pk, actor=request.user)
                done += 1
            except AssessmentError as exc:
                failed.append(str(exc))
        if done:
            self.message_user(request, f"Reassigned {done} review(s).", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.WARNING)

    def get_urls(self):
        urls = super().get_urls()
        custom = [
            path(
                "sla/",
                self.admin_site.admin_view(self.sla_view),
                name="assessments_review_sla",
            ),
            path(
                "<int:object_id>/reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="assessments_review_reassign",
            ),
        ]
        return custom + urls

    def sla_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Review SLA overview",
            "opts": self.model._meta,
            **selectors.sla_overview(),
        }
        return TemplateResponse(request, "admin/assessments/review/sla_overview.html", context)

    def reassign_view(self, request, object_id):
        review = get_object_or_404(
            Review.objects.select_related("submission", "submission__credential", "assessor"),
            pk=object_id,
        )
        if not self.has_change_permission(request, review):
            raise PermissionDenied
        change_url = reverse("admin:assessments_review_change", args=[review.pk])
        if not review.is_open:
            self.message_user(request, "A decided review cannot be reassigned.", messages.ERROR)
            return redirect(change_url)
        candidates = selectors.eligible_assessors(submission=review.submission)
        if review.assessor_id:
            candidates = candidates.exclude(pk=review.assessor_id)
        form = ReassignForm(request.POST or None, assessors=candidates)
        if request.method == "POST" and form.is_valid():
            try:
                services.review_reassign(
                    review_id=review.pk,
                    assessor=form.cleaned_data["assessor"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except AssessmentError as exc:
                form.add_error("assessor", str(exc))
            else:
                self.message_user(
                    request,
                    f"{review.submission.reference} reassigned to "
                    f"{form.cleaned_data['assessor'].email}.",
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reassign {review.submission.reference}",
            "opts": self.model._meta,
            "original": review,
            "review": review,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/assessments/review/reassign.html", context)


@admin.register(Award)
class AwardAdmin(ServiceRecordAdmin):
    list_display = ["credential", "learner", "submission", "awarded_at"]
    list_select_related = ["credential", "learner", "submission"]
    search_fields = ["learner__email", "submission__reference", "credential__title"]
    readonly_fields = ("uuid", "submission", "learner", "credential", "awarded_at")
    fields = readonly_fields
    date_hierarchy = "awarded_at"


@admin.register(OrganizationReviewSettings)
class OrganizationReviewSettingsAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    """The decision SLA per organization (3, 5, 14 business days...)."""

    list_display = ["organization", "sla_business_days", "updated_at"]
    list_select_related = ["organization"]
    fields = ["organization", "sla_business_days"]

    def get_readonly_fields(self, request, obj=None):
        return ["organization"] if obj else []

    def save_model(self, request, obj, form, change):
        services.review_settings_save(
            organization=obj.organization,
            sla_business_days=obj.sla_business_days,
            actor=request.user,
        )
        obj.pk = OrganizationReviewSettings.objects.get(organization=obj.organization).pk


@admin.register(AssessorCertification)
class AssessorCertificationAdmin(ServiceRecordAdmin):
    """Who may take live reviews where calibration applies; granted by passing it."""

    list_display = ["user", "credential", "organization", "certified_at", "valid_until"]
    list_select_related = ["user", "credential", "organization"]
    search_fields = ["user__email", "user__name", "credential__title", "organization__name"]
    readonly_fields = ("user", "credential", "organization", "certified_at", "valid_until")
    fields = readonly_fields


class ScoringPolicyForm(forms.ModelForm):
    class Meta:
        model = ScoringPolicy
        fields = ["organization", "credential", "scoring_model", "sample_percent", "prior_assessor"]

    def clean(self):
        cleaned = super().clean() or self.cleaned_data
        problem = scoring.scoring_policy_problem(
            ScoringPolicy(
                organization=cleaned.get("organization"),
                credential=cleaned.get("credential"),
                scoring_model=cleaned.get("scoring_model") or ScoringModel.SINGLE,
                sample_percent=cleaned.get("sample_percent") or 0,
            )
        )
        if problem:
            raise forms.ValidationError(problem)
        return cleaned


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(AuditTrailAdminMixin, admin.ModelAdmin):
    """How each organization (its default) and each credential (an override) is
    scored: single, double, double with adjudication, and sampling."""

    form = ScoringPolicyForm
    list_display = [
        "organization",
        "credential",
        "scoring_model",
        "sample_percent",
        "prior_assessor",
        "updated_at",
    ]
    list_filter = ["scoring_model", "organization"]
    list_select_related = ["organization", "credential"]
    autocomplete_fields = ["credential"]

    def save_model(self, request, obj, form, change):
        scoring.scoring_policy_save(policy=obj, actor=request.user)


class ScoringMarkInline(HistoryInline):
    model = ScoringMark
    fields = ["title", "met", "feedback"]


@admin.register(Scoring)
class ScoringAdmin(AuditTrailAdminMixin, ServiceRecordAdmin):
    """Each assessor's scoring of a review: written only from the scoring page."""

    list_display = ["review", "kind", "assessor", "state", "outcome", "due_on", "submitted_at"]
    list_filter = ["kind", "state", "outcome", "review__submission__credential"]
    list_select_related = ["review", "review__submission", "assessor"]
    search_fields = ["review__submission__reference", "assessor__email"]
    fields = (
        "review",
        "kind",
        "assessor",
        "assigned_at",
        "state",
        "outcome",
        "comment",
        "submitted_at",
        "due_on",
        "reminder_sent_at",
        "escalated_at",
    )
    readonly_fields = fields
    inlines = [ScoringMarkInline]
    actions = ["assign_least_loaded"]

    @admin.action(
        description="Give to the least-loaded eligible assessor outside the review",
        permissions=["change"],
    )
    def assign_least_loaded(self, request, queryset):
        done, failed = 0, []
        for item in queryset.filter(state=ScoringState.OPEN):
            try:
                scoring.scoring_reassign(scoring_id=item.pk, actor=request.user)
                done += 1
            except AssessmentError as exc:
                failed.append(str(exc))
        if done:
            self.message_user(request, f"Reassigned {done} scoring(s).", messages.SUCCESS)
        for message in failed:
            self.message_user(request, message, messages.WARNING)
