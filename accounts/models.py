"""The platform's user: email is the login, there is no username.

Roles are not a column: every signed-in user is a learner; assessors are
users with an assessor scope (assessments.AssessorScope); staff are
``is_staff`` users whose permissions come from groups.
"""

import functools
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser, AnonymousUser, BaseUserManager
from django.db import models

if TYPE_CHECKING:
    from core.compiled import CompiledQuery


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get(self, *args: Any, **kwargs: Any) -> "User":
        """As ``QuerySet.get``; ``get(pk=...)`` alone, what the authentication
        backends ask for the signed-in user on every request, runs SQL compiled
        once (``core.compiled``, prepared on PostgreSQL) rather than building
        and compiling the same query on each visit, which cost more than
        running it. Same user, same ``DoesNotExist``."""
        if args or kwargs.keys() != {"pk"}:
            return super().get(*args, **kwargs)
        found = _by_pk().rows(self.db, pk=kwargs["pk"])
        if not found:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        return found[0]


@functools.cache
def _by_pk() -> "CompiledQuery[User]":
    from core.compiled import CompiledQuery

    return CompiledQuery(lambda pk: User.objects.all().filter(pk=pk)[:1], pk=User._meta.pk)


class User(AbstractUser):
    # AbstractUser's name columns removed: the email is the login and one
    # free-text name is shown on awards.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField(
        "full name", max_length=150, blank=True, help_text="Shown on awards and emails."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split() or [self.email])[0]

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]


# Whoever reads a page: a signed-in user or an anonymous visitor (``request.user``).
AnyUser = User | AnonymousUser
