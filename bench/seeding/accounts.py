"""Accounts in bulk: users sharing one password hash, with verified primary
addresses, and an authenticator app for those the site requires one of."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password

from accounts.models import User

from .base import Bulk

PASSWORD = "bench-pass-2026"  # noqa: S105  (benchmark accounts in a throwaway database)


class People:
    def __init__(self, bulk: Bulk) -> None:
        self.bulk = bulk
        # Hashing is slow on purpose: once for every account.
        self.password = make_password(PASSWORD)

    def users(self, specs: list[tuple[str, str, bool]], *, totp: bool = False) -> list[User]:
        """Users from (email, name, is_staff); staff and assessors (``totp``) also get an
        authenticator app, which the site requires of them."""
        users = [
            User(
                email=email,
                name=name,
                password=self.password,
                is_staff=staff,
                is_superuser=staff,
                date_joined=self.bulk.now - datetime.timedelta(days=500),
            )
            for email, name, staff in specs
        ]
        self.bulk.write(User, users)
        self.bulk.write(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        )
        if totp:
            self.bulk.write(
                Authenticator,
                [
                    Authenticator(
                        user=u,
                        type=Authenticator.Type.TOTP,
                        data={"secret": "bench placeholder: never used to sign in"},
                    )
                    for u in users
                ],
            )
        return users
