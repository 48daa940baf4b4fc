"""Customer-id pages: the ERP ids without account and their revenue, linked in bulk."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from openkam.revenue import selectors, services
from openkam.revenue.forms import CreateMissingForm, CustomerActionForm, CustomerFilterForm


@require_GET
def customers(request: HttpRequest) -> HttpResponse:
    selectors.customers_require(user=request.user)
    form = CustomerFilterForm(request.GET, sources=selectors.customer_sources())
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CustomerFilters(
        q=data.get("q") or "",
        status=data.get("status") or "unmatched",
        source=data.get("source") or "",
    )
    paginator = Paginator(selectors.customer_revenue_rows(filters=filters), settings.KAM_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    return render(
        request,
        "revenue/customers.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "rows": page.object_list,
            "total_rows": _total_rows(selectors.revenue_totals()),
            "create_form": CreateMissingForm(),
            "querystring_base": urlencode(params) + "&" if params else "",
        },
    )


def _total_rows(totals: dict[str, dict[str, Decimal]]) -> list[dict[str, object]]:
    currencies = sorted(set().union(*(set(values) for values in totals.values())))
    zero = Decimal(0)
    return [
        {
            "currency": currency,
            "all": totals["all"].get(currency, zero),
            "unassigned": totals["unassigned"].get(currency, zero),
            "no_customer": totals["no_customer"].get(currency, zero),
        }
        for currency in currencies
    ]


@require_POST
def customers_action(request: HttpRequest) -> HttpResponse:
    selectors.customers_require(user=request.user)
    form = CustomerActionForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
        return redirect("revenue:customers")
    ids = form.cleaned_data["customers"]
    action = form.cleaned_data["action"]
    try:
        if action == "create":
            created = services.customers_create_accounts(actor=request.user, customer_ids=ids)
            messages.success(
                request,
                ngettext(
                    "%(n)s account created and linked.",
                    "%(n)s accounts created and linked.",
                    len(created),
                )
                % {"n": len(created)},
            )
        else:
            changed = services.customers_link(
                actor=request.user,
                customer_ids=ids,
                account_id=form.cleaned_data["account"] if action == "link" else None,
            )
            messages.success(
                request,
                ngettext("%(n)s customer id changed.", "%(n)s customer ids changed.", changed)
                % {"n": changed},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("revenue:customers")


@require_POST
def customers_create_missing(request: HttpRequest) -> HttpResponse:
    selectors.customers_require(user=request.user)
    form = CreateMissingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the minimum revenue as a number."))
        return redirect("revenue:customers")
    created = services.customers_create_accounts(
        actor=request.user, min_revenue=form.cleaned_data.get("min_revenue")
    )
    messages.success(
        request,
        ngettext(
            "%(n)s account created and linked.", "%(n)s accounts created and linked.", len(created)
        )
        % {"n": len(created)},
    )
    return redirect("revenue:customers")
