"""Exchange-rate pages: the table, entering and correcting a rate, CSV import, a converter.
Thin: services and selectors do the work and enforce who may change rates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.core.errors import DomainError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.currency import selectors, services
from openkam.currency.currencies import reporting_currency
from openkam.currency.forms import (
    ConvertForm,
    RateEditForm,
    RateFilterForm,
    RateForm,
    RateImportForm,
)
from openkam.currency.rates import BGN_PER_EUR, MissingRateError, convert_amount


def _require_editor(request: HtmxHttpRequest) -> None:
    if not selectors.rates_can_edit(user=request.user):
        raise PermissionDenied(
            _("Only the head of key accounts and administrators maintain exchange rates.")
        )


@require_GET
def rate_list(request: HtmxHttpRequest) -> HttpResponse:
    pairs = selectors.exchange_rate_pairs()
    codes = sorted({code for pair in pairs for code in pair})
    form = RateFilterForm(request.GET, codes=codes)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.RateFilters(
        base=data.get("currency") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    page = Paginator(
        selectors.exchange_rate_list(filters=filters), settings.KAM_PAGE_SIZE * 2
    ).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    today = timezone.localdate()
    context: dict[str, Any] = {
        "form": form,
        "page_obj": page,
        "rates": page.object_list,
        "querystring_base": urlencode(params) + "&" if params else "",
        "filtered": bool(params),
        "can_edit": selectors.rates_can_edit(user=request.user),
    }
    if request.htmx and request.htmx.target == "rate-results":
        return render(request, "currency/_rate_rows.html", context)
    context.update(
        {
            "current": selectors.exchange_rates_current(on=today),
            "today": today,
            "reporting_currency": reporting_currency(),
            "bgn_per_eur": BGN_PER_EUR,
            "bgn_inverse": 1 / BGN_PER_EUR,
            # A monthly rate more than a month old is probably waiting for its successor.
            "stale_before": today - timedelta(days=35),
            "convert_form": ConvertForm(),
        }
    )
    return render(request, "currency/rates.html", context)


@require_http_methods(["GET", "POST"])
def rate_create(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rate = services.exchange_rate_set(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Rate saved: %(rate)s from %(date)s.")
                % {"rate": rate.describe_pair(), "date": rate.effective_date.isoformat()},
            )
            return redirect("currency:rates")
    return render(request, "currency/rate_form.html", {"form": form, "rate": None})


@require_http_methods(["GET", "POST"])
def rate_edit(request: HtmxHttpRequest, rate_id: int) -> HttpResponse:
    _require_editor(request)
    rate = selectors.exchange_rate_get(rate_id=rate_id)
    form = RateEditForm(request.POST or None, initial={"rate": rate.rate, "source": rate.source})
    if request.method == "POST" and form.is_valid():
        try:
            rate = services.exchange_rate_set(
                actor=request.user,
                base=rate.base,
                quote=rate.quote,
                effective_date=rate.effective_date,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Rate saved: %(rate)s from %(date)s.")
                % {"rate": rate.describe_pair(), "date": rate.effective_date.isoformat()},
            )
            return redirect("currency:rates")
    return render(request, "currency/rate_form.html", {"form": form, "rate": rate})


@require_POST
def rate_delete(request: HtmxHttpRequest, rate_id: int) -> HttpResponse:
    _require_editor(request)
    rate = selectors.exchange_rate_get(rate_id=rate_id)
    services.exchange_rate_delete(actor=request.user, rate_id=rate.pk)
    messages.success(
        request,
        _("Rate deleted: %(rate)s from %(date)s.")
        % {"rate": rate.describe_pair(), "date": rate.effective_date.isoformat()},
    )
    return redirect("currency:rates")


@require_http_methods(["GET", "POST"])
def rate_import(request: HtmxHttpRequest) -> HttpResponse:
    _require_editor(request)
    form = RateImportForm(request.POST or None, request.FILES or None)
    result = None
    dry_run = request.POST.get("action") != "import"
    if request.method == "POST" and form.is_valid():
        result = services.exchange_rates_import(
            actor=request.user,
            content=form.cleaned_data["file"].read(),
            dry_run=dry_run,
            source=form.cleaned_data["source"],
        )
    context = {"form": form, "result": result, "dry_run": dry_run}
    if request.htmx:
        return render(request, "currency/_import_report.html", context)
    return render(request, "currency/import.html", context)


@require_GET
def convert(request: HtmxHttpRequest) -> HttpResponse:
    form = ConvertForm(request.GET)
    context: dict[str, Any] = {"convert_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            converted, used = convert_amount(
                amount=data["amount"],
                currency=data["currency"],
                on=data["on"],
                target=data["target"],
            )
        except MissingRateError as exc:
            context["error"] = str(exc)
        except DomainError as exc:  # pragma: no cover - defensive
            context["error"] = str(exc)
        else:
            context.update({"converted": converted, "used": used, **data})
    return render(request, "currency/_convert.html", context)
