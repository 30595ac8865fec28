import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from salvaguarda.accounts import throttle
from salvaguarda.accounts.models import Organization, Role


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6 digits shown by your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _current_password_field() -> forms.CharField:
    return forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _check_current_password(user: Any, value: str) -> str:
    if throttle.confirmation_blocked(user.email):
        raise forms.ValidationError(
            _("Too many failed attempts. Wait a few minutes and try again.")
        )
    if not user.check_password(value):
        throttle.record_confirmation_failure(user.email)
        raise forms.ValidationError(_("The current password is not correct."))
    return value


class ConfirmPasswordForm(forms.Form):
    """Changing a second factor from a signed-in session asks for the password again, so that
    an unattended or stolen session cannot take the account over."""

    current = _current_password_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_current(self) -> str:
        return _check_current_password(self.user, self.cleaned_data["current"])


class SecurityKeyForm(ConfirmPasswordForm):
    """Adding a security key: a name to tell it apart, and the password (as for any factor)."""

    name = forms.CharField(
        label=_("Name of the key"),
        max_length=60,
        help_text=_("For example: blue key, work laptop."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ["name", "current"]


class EnrollForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the 6 digits shown by the app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        """With `user` (a signed-in account replacing its authenticator) the password is asked."""
        self.user = user
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["current"] = _current_password_field()

    def clean_current(self) -> str:
        return _check_current_password(self.user, self.cleaned_data["current"])


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; avoid common passwords."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ChangePasswordForm(SetPasswordForm):
    current = _current_password_field()
    field_order = ["current", "password1", "password2"]

    def clean_current(self) -> str:
        return _check_current_password(self.user, self.cleaned_data["current"])


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[c for c in Role.choices if c[0] != Role.NETWORK_ADMIN]
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[c for c in Role.choices if c[0] != Role.NETWORK_ADMIN]
    )


class OrganizationForm(forms.ModelForm[Organization]):
    coordinator_name = forms.CharField(label=_("First coordinator: full name"), max_length=150)
    coordinator_email = forms.EmailField(label=_("First coordinator: e-mail"))

    class Meta:
        model = Organization
        fields = ["name", "short_name", "kind", "city", "state", "country", "time_zone"]

    def clean_time_zone(self) -> str:
        # Every request of the organization activates this zone: an unknown one would break them.
        time_zone: str = self.cleaned_data["time_zone"].strip()
        if time_zone not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("Enter a time zone such as America/Tijuana or America/Mexico_City.")
            )
        return time_zone
