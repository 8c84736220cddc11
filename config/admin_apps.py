"""The admin app, with the platform's admin site (config.admin_base.PlatformAdminSite)
as ``admin.site``. Kept apart from admin_base so the app registry can load it
before any model."""

from django.contrib.admin.apps import AdminConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "config.admin_base.PlatformAdminSite"
