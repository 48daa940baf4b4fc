"""Account pages. Thin: they bind forms, call services and selectors, and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts import selectors, services, team_services, tier_services
from openkam.accounts.forms import (
    AccountFilterForm,
    AccountForm,
    TeamMemberEditForm,
    TeamMemberForm,
    TierDecisionForm,
)
from openkam.accounts.importing import TARGET as IMPORT_TARGET
from openkam.accounts.models import Account, TeamRole
from openkam.activity import selectors as activity_selectors
from openkam.core.audit import audit_entries_for
from openkam.core.choices import Level
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.stakeholders.selectors import stakeholder_counts_by_account

SORTABLE = ("name", "tier", "country", "owner", "updated")


def _sort_links(params: dict[str, str], current: str) -> dict[str, dict[str, str]]:
    links = {}
    for column in SORTABLE:
        if current == column:
            new, state = f"-{column}", "ascending"
        elif current == f"-{column}":
            new, state = column, "descending"
        else:
            new, state = column, ""
        query = {**params, "sort": new}
        query.pop("page", None)
        links[column] = {"url": "?" + urlencode(query), "state": state}
    return links


@require_GET
def account_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    form = AccountFilterForm(
        request.GET,
        country_codes=selectors.account_country_choices(user=user),
        currency_codes=selectors.account_currency_choices(user=user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.AccountFilters(
        q=data.get("q") or "",
        tier=data.get("tier") or "",
        country=data.get("country") or "",
        owner=data.get("owner"),
        currency=data.get("currency") or "",
        sort=data.get("sort") or "name",
    )
    paginator: Paginator[Any] = Paginator(
        selectors.account_list(user=user, filters=filters),  # type: ignore[arg-type]
        settings.KAM_PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    context = {
        "form": form,
        "page_obj": page,
        "accounts": page.object_list,
        "querystring_base": urlencode(params) + "&" if params else "",
        "sort_links": _sort_links(params, filters.sort),
        "filtered": any(params.get(k) for k in ("q", "tier", "country", "owner", "currency")),
        "can_create": selectors.account_can_create(user=user),
        "can_import": IMPORT_TARGET.may_import(user),
    }
    if request.htmx and request.htmx.target == "account-results":
        return render(request, "accounts/_results.html", context)
    return render(request, "accounts/list.html", context)


def _detail_context(request: HtmxHttpRequest, account: Account, **extra: Any) -> dict[str, Any]:
    user = request.user
    can_edit = selectors.account_can_edit(user=user, account=account)
    context = {
        "account": account,
        "ancestors": selectors.account_ancestors(user=user, account=account),
        "children": selectors.account_children(user=user, account=account),
        "team": selectors.account_team(account=account),
        "history": audit_entries_for(account)[:10],
        "pending_tier": selectors.tier_request_pending_for(account=account),
        "can_edit": can_edit,
        "can_delete": selectors.account_can_delete(user=user, account=account),
        "team_form": TeamMemberForm(account=account) if can_edit else None,
        "team_roles": TeamRole.choices,
        "levels": Level.choices,
    }
    context.update(extra)
    return context


@require_GET
def account_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier: overview, team, the apps' panels (loaded lazily), timeline and files."""
    account = selectors.account_get(user=request.user, account_id=pk)
    dossier = {
        "activity": activity_selectors.account_activity_summary(account=account),
        "people_count": stakeholder_counts_by_account(account_ids=[account.pk]).get(account.pk, 0),
        "can_log": activity_selectors.interaction_can_log(user=request.user, account=account),
    }
    return render(request, "accounts/detail.html", _detail_context(request, account, **dossier))


@require_GET
def account_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, account_id=pk)
    page = Paginator(audit_entries_for(account), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/history.html",
        {"account": account, "page_obj": page, "entries": page.object_list},
    )


def _validate_field(request: HtmxHttpRequest, form: AccountForm) -> HttpResponse | None:
    """Inline validation: re-render just the field that changed, with its errors."""
    name = request.GET.get("validate")
    if not (request.htmx and name and name in form.fields):
        return None
    form.is_valid()
    return render(
        request,
        "forms/field.html",
        {"field": form[name], "validate_url": request.path, "full": name in ("notes",)},
    )


@require_http_methods(["GET", "POST"])
def account_create(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.account_can_create(user=user):
        raise PermissionDenied(_("Your role cannot create accounts."))
    initial = {"tier": "other", "owner": user.pk}
    form = AccountForm(request.POST or None, actor=user, initial=initial)
    if request.method == "POST":
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                result = services.account_create(
                    actor=user,  # type: ignore[arg-type]
                    tier_reason=form.cleaned_data.get("tier_reason", ""),
                    **form.account_data(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Account %(name)s created.") % {"name": result.account})
                if result.tier_request:
                    messages.info(
                        request,
                        _("Tier %(tier)s was sent to the head of key accounts for approval.")
                        % {"tier": result.tier_request.get_to_tier_display()},
                    )
                return redirect("accounts:detail", pk=result.account.pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "account": None, "parent_label": _parent_label(request, form)},
    )


def _parent_label(
    request: HtmxHttpRequest, form: AccountForm, account: Account | None = None
) -> str:
    value = form["parent"].value()
    if not value:
        return ""
    try:
        parent_id = int(value)
    except (TypeError, ValueError):
        return ""
    if account is not None and account.parent_id == parent_id and account.parent:
        return account.parent.name
    parent = selectors.accounts_visible_to(request.user).filter(pk=parent_id).first()
    return parent.name if parent else ""


@require_http_methods(["GET", "POST"])
def account_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = selectors.account_get(user=user, account_id=pk)
    if not selectors.account_can_edit(user=user, account=account):
        raise PermissionDenied(_("You may read this account but not change it."))
    conflict = None
    if request.method == "POST":
        form = AccountForm(request.POST, actor=user)
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                result = services.account_update(
                    actor=user,  # type: ignore[arg-type]
                    account_id=account.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.account_data(),
                    tier_reason=form.cleaned_data.get("tier_reason", ""),
                )
            except ConflictError as exc:
                conflict = exc
                # Keep what the user typed; the new version lets them save it deliberately.
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = AccountForm(data, actor=user)
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, _("Changes to %(name)s saved.") % {"name": result.account}
                )
                if result.tier_request:
                    messages.info(
                        request,
                        _("Tier %(tier)s was sent to the head of key accounts for approval.")
                        % {"tier": result.tier_request.get_to_tier_display()},
                    )
                return redirect("accounts:detail", pk=account.pk)
    else:
        form = AccountForm(initial=AccountForm.initial_for(account), actor=user)
    return render(
        request,
        "accounts/form.html",
        {
            "form": form,
            "account": account,
            "conflict": conflict,
            "parent_label": _parent_label(request, form, account),
        },
    )


@require_POST
def account_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, account_id=pk)
    try:
        services.account_delete(actor=request.user, account_id=account.pk)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("accounts:detail", pk=account.pk)
    messages.success(request, _("Account %(name)s deleted.") % {"name": account.name})
    return redirect("accounts:list")


@require_GET
def account_lookup(request: HtmxHttpRequest) -> HttpResponse:
    """Parent picker results: accounts matching the search that the user may see."""
    term = request.GET.get("parent_search", "").strip()
    results: list[Account] = []
    if term:
        qs = selectors.accounts_visible_to(request.user).filter(name__icontains=term)
        exclude = request.GET.get("exclude")
        if exclude and exclude.isdigit():
            qs = qs.exclude(pk=int(exclude))
        results = list(qs.only("id", "name", "country").order_by("name")[:10])
    return render(request, "accounts/_lookup.html", {"results": results, "term": term})


# --- Team ----------------------------------------------------------------------------------


def _team_response(
    request: HtmxHttpRequest, account: Account, team_form: TeamMemberForm | None = None
) -> HttpResponse:
    if request.htmx:
        context = _detail_context(request, account)
        if team_form is not None:
            context["team_form"] = team_form
        return render(request, "accounts/_team.html", context)
    return redirect("accounts:detail", pk=account.pk)


def _team_account(request: HtmxHttpRequest, pk: int) -> Account:
    """The account whose team the user changes: 404 if unseen, 403 before reading any form."""
    account = selectors.account_get(user=request.user, account_id=pk)
    if not selectors.account_can_edit(user=request.user, account=account):
        raise PermissionDenied(_("You may read this account but not change its team."))
    return account


@require_POST
def team_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = _team_account(request, pk)
    form = TeamMemberForm(request.POST, account=account)
    if form.is_valid():
        try:
            member = team_services.account_team_member_add(
                actor=request.user,  # type: ignore[arg-type]
                account_id=account.pk,
                user=form.cleaned_data["user"],
                team_role=form.cleaned_data["team_role"],
                level=form.cleaned_data["level"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s joined the team.") % {"name": member.user})
            return _team_response(request, account)
    if not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
    return _team_response(request, account, form)


@require_POST
def team_update(request: HtmxHttpRequest, pk: int, member_id: int) -> HttpResponse:
    account = _team_account(request, pk)
    form = TeamMemberEditForm(request.POST)
    if form.is_valid():
        try:
            team_services.account_team_member_update(
                actor=request.user,  # type: ignore[arg-type]
                account_id=account.pk,
                member_id=member_id,
                team_role=form.cleaned_data["team_role"],
                level=form.cleaned_data["level"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Team member updated."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
    return _team_response(request, account)


@require_POST
def team_remove(request: HtmxHttpRequest, pk: int, member_id: int) -> HttpResponse:
    account = _team_account(request, pk)
    try:
        team_services.account_team_member_remove(
            actor=request.user,  # type: ignore[arg-type]
            account_id=account.pk,
            member_id=member_id,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Removed from the team."))
    return _team_response(request, account)


# --- Tier approvals ------------------------------------------------------------------------


@require_GET
def tier_requests(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/tier_requests.html",
        {
            "requests": selectors.tier_requests_pending(user=request.user),
            "can_decide": request.user.role == "head",  # type: ignore[union-attr]
        },
    )


@require_POST
def tier_request_decide(request: HtmxHttpRequest, request_id: int) -> HttpResponse:
    form = TierDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    try:
        decided = tier_services.tier_request_decide(
            actor=request.user,  # type: ignore[arg-type]
            request_id=request_id,
            approve=approve,
            note=note,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            (
                _("%(account)s is now %(tier)s.")
                if approve
                else _("Tier change for %(account)s rejected.")
            )
            % {"account": decided.account.name, "tier": decided.get_to_tier_display()},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("accounts:tier_requests")
    return redirect(target)
