"""Portfolio pages: the dashboard, its CSV export and the revenue panel of the dossier.
Thin: the filters are checked by `filters.py`, the figures come from the selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from openkam.accounts.selectors import account_country_choices
from openkam.currency.rates import MissingRateError
from openkam.insights import charts
from openkam.insights.export import base_description, portfolio_csv
from openkam.insights.filters import parse_ids, portfolio_filters
from openkam.insights.forms import PortfolioFilterForm
from openkam.insights.periods import default_period, presets
from openkam.insights.selectors import (
    SCOPE_COMPANY,
    Portfolio,
    PortfolioFilters,
    portfolio_analyse,
    portfolio_can_view,
)
from openkam.insights.selectors_account import account_revenue
from openkam.users.models import Role
from openkam.users.selectors import users_who_can_own_accounts

TABLE_PAGE_SIZE = 100
# Above this share of unassigned revenue the page asks for customer ids to be linked.
UNASSIGNED_NOTICE = 0.05


@dataclass
class Request:
    form: PortfolioFilterForm
    filters: PortfolioFilters | None
    errors: list[tuple[str, str]]
    params: dict[str, str]


def _require_viewer(request: HttpRequest) -> None:
    if not portfolio_can_view(user=request.user):
        raise PermissionDenied(
            _("The portfolio analysis is for the head of key accounts and KAMs.")
        )


def _read(request: HttpRequest) -> Request:
    user = request.user
    get = request.GET
    is_head = user.role == Role.HEAD  # type: ignore[union-attr]
    owners = [(u.pk, str(u)) for u in users_who_can_own_accounts()] if is_head else []
    data = {
        "preset": get.get("period", ""),
        "date_from": get.get("from", ""),
        "date_to": get.get("to", ""),
        "tier": get.get("tier", ""),
        "owner": get.get("owner", ""),
        "country": get.get("country", ""),
        "accounts": get.get("accounts", ""),
        "currency": get.get("currency", ""),
        "abc_a": get.get("abc_a", ""),
        "abc_b": get.get("abc_b", ""),
    }
    form = PortfolioFilterForm(
        data, country_codes=account_country_choices(user=user), owners=owners
    )
    params = {k: str(v) for k, v in get.items() if v and k != "page"}
    errors: list[tuple[str, str]] = []
    if not form.is_valid():
        errors = [(str(form.fields[f].label), str(m)) for f, ms in form.errors.items() for m in ms]
        return Request(form, None, errors, params)
    cd = form.cleaned_data
    chosen = {p.key: p.period for p in presets()}.get(cd["preset"] or "")
    period = chosen or default_period()
    date_from: date = cd["date_from"] if not chosen and cd["date_from"] else period.start
    date_to: date = cd["date_to"] if not chosen and cd["date_to"] else period.end
    try:
        filters = portfolio_filters(
            date_from=date_from,
            date_to=date_to,
            tiers=[cd["tier"]] if cd["tier"] else [],
            owner_ids=[cd["owner"]] if cd["owner"] else [],
            countries=[cd["country"]] if cd["country"] else [],
            account_ids=parse_ids(cd["accounts"] or ""),
            currency=cd["currency"] or "",
            abc_a=cd["abc_a"],
            abc_b=cd["abc_b"],
        )
    except ValidationError as exc:
        labels = {"to": _("To"), "tier": _("Tier"), "currency": _("Currency"),
                  "abc_a": _("Class A up to (%)"), "abc_b": _("Class B up to (%)"),
                  "accounts": _("Accounts")}  # fmt: skip
        errors = [(str(labels.get(f, f)), m) for f, ms in exc.message_dict.items() for m in ms]
        return Request(form, None, errors, params)
    return Request(form, filters, errors, params)


def _preset_links(read: Request) -> list[dict[str, Any]]:
    """Links to the ready-made periods that keep the other filters."""
    kept = {k: v for k, v in read.params.items() if k not in ("from", "to", "period")}
    links = []
    for preset in presets():
        query = urlencode(
            {**kept, "from": preset.period.start.isoformat(), "to": preset.period.end.isoformat()}
        )
        active = read.filters is not None and read.filters.period == preset.period
        links.append({"label": preset.label, "query": query, "active": active})
    return links


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    read = _read(request)
    context: dict[str, Any] = {
        "form": read.form,
        "errors": read.errors,
        "filters": read.filters,
        "preset_links": _preset_links(read),
        "is_head": request.user.role == Role.HEAD,  # type: ignore[union-attr]
        "export_query": urlencode(read.params),
        "without_accounts": urlencode({k: v for k, v in read.params.items() if k != "accounts"}),
        "reporting_currency": settings.KAM_REPORTING_CURRENCY,
        "abc_default_a": settings.KAM_ABC_A_PERCENT,
        "abc_default_b": settings.KAM_ABC_B_PERCENT,
    }
    if read.filters is not None:
        try:
            result = portfolio_analyse(user=request.user, filters=read.filters)
        except MissingRateError as exc:
            context["rate_error"] = exc
        else:
            context.update(_dashboard(result, request, read.params))
    template = (
        "insights/_results.html" if getattr(request, "htmx", False) else "insights/portfolio.html"
    )
    return render(request, template, context)


def _dashboard(p: Portfolio, request: HttpRequest, params: dict[str, str]) -> dict[str, Any]:
    page = Paginator(p.rows, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    unassigned_share = (
        float(p.unassigned_revenue / p.total_revenue)
        if p.unassigned_revenue and p.scope == SCOPE_COMPANY and p.total_revenue > 0
        else 0.0
    )
    return {
        "p": p,
        "page_obj": page,
        "rows": page.object_list,
        "querystring_base": urlencode(params) + "&" if params else "",
        "base": base_description(p),
        "unassigned_share": unassigned_share,
        "unassigned_notice": unassigned_share > UNASSIGNED_NOTICE,
        "show_unassigned_row": p.scope == SCOPE_COMPANY
        and p.unassigned_revenue is not None
        and not page.has_next(),
        "chart_pareto": charts.pareto(p),
        "chart_gauge": charts.key_share_gauge(p),
        "chart_shares": charts.concentration_shares(p),
        "chart_hhi": charts.concentration_hhi(p),
        "chart_tiers": charts.revenue_by_tier(p),
        "chart_quadrant": charts.growth_share_quadrant(p),
        "status_label": charts.status_label(p.key_status),
    }


@require_GET
def portfolio_export(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    read = _read(request)
    if read.filters is None:
        message = "\n".join(f"{label}: {text}" for label, text in read.errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    try:
        result = portfolio_analyse(user=request.user, filters=read.filters)
    except MissingRateError as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    name = f"portfolio-{result.period.start.isoformat()}-{result.period.end.isoformat()}.csv"
    # A byte order mark so that spreadsheet programs read the file as UTF-8.
    response = HttpResponse(
        "\ufeff" + portfolio_csv(result), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def account_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The revenue panel of the account dossier (loaded lazily by htmx)."""
    data = account_revenue(user=request.user, account_id=pk)
    split_at = len(data.months) - 12
    # Without JavaScript the dossier links here: the same panel as a page of its own.
    template = (
        "insights/_account_panel.html"
        if getattr(request, "htmx", False)
        else ("insights/account_revenue.html")
    )
    return render(
        request,
        template,
        {
            "r": data,
            "account": data.account,
            "chart": charts.account_months(data.months, data.currency, split_at),
            "can_view_portfolio": portfolio_can_view(user=request.user),
        },
    )
