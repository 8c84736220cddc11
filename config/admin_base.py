"""Admin building blocks shared by the apps.

Some records (payments, reviews, issued badges, audit rows) are written only
by services, so the admin shows them without add or delete buttons.
"""

from django.contrib import admin


class HistoryInline(admin.TabularInline):
    """A read-only table of history rows under a record."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ServiceRecordAdmin(admin.ModelAdmin):
    """Records that only services create and nothing deletes."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
