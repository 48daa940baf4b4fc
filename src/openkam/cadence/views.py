"""Contact cadence pages: the tiers' intervals, an account's own, and who is overdue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openkam.accounts.selectors import account_get
from openkam.cadence import selectors, services
from openkam.cadence.forms import AccountCadenceForm, NeglectedFilterForm, TierCadenceForm
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
def cadence_settings(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    can_edit = selectors.cadence_can_edit_tiers(user=user)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Only the head of key accounts sets the tiers' cadence."))
    rows = selectors.tier_rows()
    forms = {
        row["tier"]: TierCadenceForm(
            request.POST or None,
            prefix=row["tier"],
            initial={
                "max_days": row["max_days"],
                "key_people_max_days": row["key_people_max_days"],
            },
        )
        for row in rows
    }
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        try:
            with transaction.atomic():
                for tier, form in forms.items():
                    services.tier_cadence_update(
                        actor=user,  # type: ignore[arg-type]
                        tier=tier,
                        max_days=form.cleaned_data["max_days"],
                        key_people_max_days=form.cleaned_data["key_people_max_days"],
                    )
        except ValidationError as exc:
            for form in forms.values():
                apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact intervals saved."))
            return redirect("cadence:settings")
    for row in rows:
        row["form"] = forms[row["tier"]]
    return render(request, "cadence/settings.html", {"rows": rows, "can_edit": can_edit})


def _kam_filter(request: HtmxHttpRequest, form: NeglectedFilterForm) -> tuple[int | None, str]:
    user = request.user
    choice = form.cleaned_data.get("kam", "") if form.is_valid() else ""
    if choice == "" and user.role != "head":  # type: ignore[union-attr]
        return user.pk, choice  # a KAM's own accounts
    if choice and choice.isdigit():
        return int(choice), choice
    return None, choice


@require_GET
def neglected(request: HtmxHttpRequest) -> HttpResponse:
    form = NeglectedFilterForm(request.GET or None, user=request.user)
    kam_id, choice = _kam_filter(request, form)
    report = selectors.neglected(user=request.user, kam_id=kam_id)
    return render(
        request,
        "cadence/neglected.html",
        {"form": form, "report": report, "kam_id": kam_id, "choice": choice},
    )


@require_http_methods(["GET", "POST"])
def account_cadence(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = account_get(user=user, account_id=pk)
    can_edit = selectors.cadence_can_edit_account(user=user, account=account)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("You may read this account but not change its cadence."))
    override = selectors.account_override(account=account)
    initial: dict[str, Any] = {"version": override.version if override else None}
    if override:
        initial.update(
            exempt=override.exempt,
            max_days=override.max_days,
            key_people_max_days=override.key_people_max_days,
            note=override.note,
        )
    form = AccountCadenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.account_cadence_update(
                actor=user,  # type: ignore[arg-type]
                account_id=account.pk,
                exempt=data["exempt"],
                max_days=data["max_days"],
                key_people_max_days=data["key_people_max_days"],
                note=data["note"],
                expected_version=data.get("version"),
            )
        except ConflictError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Contact interval for %(name)s saved.") % {"name": account})
            return redirect("accounts:detail", pk=account.pk)
    tiers = selectors.tier_intervals()
    return render(
        request,
        "cadence/account.html",
        {
            "account": account,
            "form": form,
            "can_edit": can_edit,
            "tier_interval": tiers.get(account.tier),
            "contact": selectors.account_contact(account=account),
            "people": selectors.account_key_people(account=account),
        },
    )


@require_GET
def account_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier's panel: last contact against the interval, and the key people's."""
    account = account_get(user=request.user, account_id=pk)
    return render(
        request,
        "cadence/_account_panel.html",
        {
            "account": account,
            "contact": selectors.account_contact(account=account),
            "people": selectors.account_key_people(account=account),
        },
    )
