from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth.models import Group, Permission
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import nav
        from .models import User

        # The site header's remembered answers follow the user's roles (accounts.nav).
        post_save.connect(nav.user_saved, sender=User, dispatch_uid="accounts.nav.user_saved")
        post_delete.connect(nav.user_deleted, sender=User, dispatch_uid="accounts.nav.user_deleted")
        for through in (User.groups.through, User.user_permissions.through):
            m2m_changed.connect(
                nav.memberships_changed,
                sender=through,
                dispatch_uid=f"accounts.nav.memberships_changed.{through._meta.label}",
            )
        m2m_changed.connect(
            nav.group_permissions_changed,
            sender=Group.permissions.through,
            dispatch_uid="accounts.nav.group_permissions_changed",
        )
        for model in (Group, Permission):
            post_delete.connect(
                nav.group_or_permission_deleted,
                sender=model,
                dispatch_uid=f"accounts.nav.deleted.{model._meta.label}",
            )
