"""Staff define stacks in admin (model permissions on Stack); every save goes
through the stack services, which keep member lineages and write the audit
trail. Stack awards are read-only: they are issued, never typed."""

from django.contrib import admin
from django.db import models

from .models import Stack, StackAward, StackMember
from .services import stacks as services


class StackMemberInline(admin.TabularInline):
    model = StackMember
    extra = 1
    # An achievement id typed without a scheme is taken as https://.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ["position", "credential", "achievement_id", "external_name", "required"]
    autocomplete_fields = ["credential"]


@admin.register(Stack)
class StackAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "rule", "count", "credit_hours", "is_published"]
    list_filter = ["is_published", "rule", "organization"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StackMemberInline]

    def save_model(self, request, obj, form, change):
        services.stack_save(stack=obj, actor=request.user, created=not change)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.stack_member_delete(member=member, actor=request.user)
        for member in [*formset.new_objects, *(m for m, _ in formset.changed_objects)]:
            member.stack = form.instance
            services.stack_member_save(member=member, actor=request.user)


@admin.register(StackAward)
class StackAwardAdmin(admin.ModelAdmin):
    list_display = ["stack", "learner", "awarded_at", "valid_until", "revoked_at"]
    list_filter = ["stack"]
    search_fields = ["learner__email", "stack__title"]
    fields = [
        "uuid",
        "stack",
        "learner",
        "awarded_at",
        "valid_until",
        "status_list",
        "status_index",
        "revoked_at",
        "revocation_reason",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description="Revoke the selected stack awards", permissions=["revoke"])
    def revoke(self, request, queryset):
        for award in queryset:
            services.stack_award_revoke(
                award_id=award.pk, reason=f"Revoked by {request.user.email}", actor=request.user
            )
        self.message_user(request, f"{queryset.count()} stack award(s) revoked.")

    def has_revoke_permission(self, request):
        return request.user.has_perm("programs.change_stackaward")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
