from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext_lazy as _

from openkam.users.models import Role, User
from openkam.users.services import (
    login_failure_record,
    login_locked_until,
    login_success_record,
)


def client_address(request: Any) -> str | None:
    """The address sign-in failures are counted against.

    REMOTE_ADDR, unless OpenKAM runs behind a reverse proxy (KAM_BEHIND_PROXY): then every
    request comes from the proxy, and the client is the last address the proxy appended to
    X-Forwarded-For (earlier entries are whatever the client sent, so they are not trusted).
    """
    if request is None:
        return None
    if settings.KAM_BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if hops[-1]:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that refuses further attempts for a while after repeated failures."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        locked = login_locked_until(username=username, address=address)
        if locked is not None:
            minutes = max(1, int((locked - timezone.now()).total_seconds() // 60) + 1)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-ins. Sign-in is locked; try again in %(minutes)s minute.",
                    "Too many failed sign-ins. Sign-in is locked; try again in %(minutes)s "
                    "minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                login_failure_record(username=username, address=address)
            raise
        login_success_record(username=username)
        return cleaned


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        # Each language in its own name, so that someone lost in a foreign one finds theirs.
        choices=[
            ("", _("As the browser asks")),
            *(
                (code, capfirst(get_language_info(code)["name_local"]))
                for code, _n in settings.LANGUAGES
            ),
        ],
    )


class UserForm(ProfileForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive user cannot sign in; their records and history stay."),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Leave empty to keep the current password."),
    )

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "role",
        "language",
        "is_active",
        "password",
    ]

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("At least 10 characters.")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        error_messages={"required": _("Give the token a name.")},
        help_text=_("What the token is for, e.g. the ERP export script."),
    )
