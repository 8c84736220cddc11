"""Staff make an organization a partner and give people its roles; cohorts are
created by the partner's admins on their own pages and are read-only here."""

from django.contrib import admin

from .cohort_models import Cohort, Partner, PartnerMember
from .services import cohorts as services


class PartnerMemberInline(admin.TabularInline):
    model = PartnerMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["organization", "kind", "created_at"]
    inlines = [PartnerMemberInline]

    def save_model(self, request, obj, form, change):
        services.partner_save(partner=obj, actor=request.user, created=not change)

    def save_formset(self, request, form, formset, change):
        members = formset.save(commit=False)
        for member in formset.deleted_objects:
            services.partner_member_remove(member=member, actor=request.user)
        for member in members:
            services.partner_member_save(member=member, actor=request.user)


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "partner", "due_on", "created_at"]
    readonly_fields = ["partner", "name", "credentials", "due_on", "coupon", "created_at"]

    def has_add_permission(self, request):
        return False
