"""allauth hooks: emails are stored lower-cased so one person has one account;
staff and assessors keep their authenticator app, and until they have one a
password alone does not sign them in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import Login
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from . import services
from .models import User
from .selectors import mfa_required, needs_emailed_code, signed_in_with_emailed_code


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def is_login_by_code_required(self, login: Login) -> bool:
        """A staff member or assessor without an authenticator app also enters a
        code emailed to them: otherwise whoever knows the password could sign in
        and enrol an authenticator app of their own."""
        if super().is_login_by_code_required(login):
            return True
        user = login.user
        if not isinstance(user, User) or not needs_emailed_code(user):
            return False
        return not signed_in_with_emailed_code(self.request, user)

    def pre_login(self, request, user, **kwargs):
        """Before a staff member or assessor without an app gets their sign-in
        code, make sure their address has a record the code can verify."""
        response = super().pre_login(request, user, **kwargs)
        if response is None and needs_emailed_code(user):
            services.email_address_record(user=user)
        return response


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
