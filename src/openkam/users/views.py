from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openkam.core.audit import audit_entries_for
from openkam.core.errors import NotFoundError
from openkam.core.forms import apply_validation_error
from openkam.users import selectors, services
from openkam.users.forms import ProfileForm, ThrottledAuthenticationForm, TokenForm, UserForm
from openkam.users.models import Role, User


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "users/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "users/password_change.html"

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("users:profile")


def _admin_only(request: HttpRequest) -> None:
    if request.user.role != Role.ADMIN:  # type: ignore[union-attr]
        raise PermissionDenied(_("Only administrators manage users."))


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, initial=_profile_initial(user))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(
                user=user,
                role=Role(user.role),
                is_active=user.is_active,
                actor=user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if user.language:
                # Confirm in the language just chosen, as every page will speak from now on.
                translation.activate(user.language)
            messages.success(request, _("Your profile was saved."))
            return redirect("users:profile")
    return _profile_page(request, form)


def _profile_initial(user: User) -> dict[str, str]:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "language": user.language,
    }


def _profile_page(
    request: HttpRequest,
    form: ProfileForm | None = None,
    *,
    token_form: TokenForm | None = None,
    new_token: str | None = None,
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    response = render(
        request,
        "users/profile.html",
        {
            "form": form or ProfileForm(initial=_profile_initial(user)),
            "token_form": token_form or TokenForm(),
            "tokens": selectors.apitokens_of(user),
            "new_token": new_token,
        },
    )
    if new_token:
        # The clear token exists only in this response: never in a cache, the session or the
        # database (which keeps its hash).
        response["Cache-Control"] = "no-store"
    return response


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form)
    _token, clear = services.apitoken_create(
        user=request.user,  # type: ignore[arg-type]
        name=form.cleaned_data["name"],
    )
    return _profile_page(request, new_token=clear)


@require_POST
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    try:
        services.apitoken_revoke(user=request.user, prefix=prefix)  # type: ignore[arg-type]
    except NotFoundError:
        messages.error(request, _("That token does not exist or is already revoked."))
    else:
        messages.success(request, _("Token revoked: it no longer works."))
    return redirect("users:profile")


def user_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    return render(request, "users/list.html", {"users": selectors.user_list()})


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = UserForm(request.POST or None, initial={"role": Role.KAM, "is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                password=data["password"],
                role=Role(data["role"]),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                job_title=data["job_title"],
                language=data["language"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user})
            return redirect("users:list")
    return render(request, "users/form.html", {"form": form, "subject": None})


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    subject = get_object_or_404(User, pk=pk)
    form = UserForm(
        request.POST or None,
        instance=subject,
        initial={
            "username": subject.username,
            "first_name": subject.first_name,
            "last_name": subject.last_name,
            "email": subject.email,
            "job_title": subject.job_title,
            "role": subject.role,
            "language": subject.language,
            "is_active": subject.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if subject.pk == request.user.pk and (data["role"] != Role.ADMIN or not data["is_active"]):
            form.add_error("role", _("You cannot remove your own administrator access."))
        else:
            try:
                # Details and password succeed or fail together.
                with transaction.atomic():
                    services.user_update(
                        user=subject,
                        role=Role(data["role"]),
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                        job_title=data["job_title"],
                        language=data["language"],
                        is_active=data["is_active"],
                        actor=request.user,  # type: ignore[arg-type]
                    )
                    if data["password"]:
                        services.user_set_password(
                            user=subject,
                            password=data["password"],
                            actor=request.user,  # type: ignore[arg-type]
                        )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("User %(name)s saved.") % {"name": subject})
                return redirect("users:list")
    return render(
        request,
        "users/form.html",
        {"form": form, "subject": subject, "history": audit_entries_for(subject)[:20]},
    )
