"""Forms that extend allauth's account forms."""

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra signup fields, mixed into allauth's signup form (ACCOUNT_SIGNUP_FORM_CLASS).

    allauth builds its SignupForm on top of this class, so it must not import
    allauth's forms itself.
    """

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("As it should appear on your awards. You can add it later."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["email", "name", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        """Store the optional full name on the user allauth has just saved."""
        name = self.cleaned_data.get("name", "").strip()
        if name:
            user.name = name
            user.save(update_fields=["name"])
