"""Pages of the decision-making unit. Thin: they bind forms, call services and selectors, and
render. Personal notes reach a template only when `personal_notes_visible` says so."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.core.audit import audit_entries_for
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.stakeholders import selectors, services
from openkam.stakeholders.forms import (
    LeftForm,
    PersonalNoteForm,
    StakeholderFilterForm,
    StakeholderForm,
)
from openkam.stakeholders.models import BuyingRole, Stakeholder, StakeholderStatus
from openkam.stakeholders.selectors import StakeholderFilters
from openkam.stakeholders.vcard_io import vcard_export_account, vcard_export_one

KEY_ROLES = (BuyingRole.DECISION_MAKER, BuyingRole.ECONOMIC_BUYER)


def _filters(
    request: HtmxHttpRequest,
) -> tuple[StakeholderFilterForm, selectors.StakeholderFilters]:
    form = StakeholderFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "active"
    filters = StakeholderFilters(
        q=data.get("q") or "",
        level=data.get("level") or "",
        buying_role=data.get("buying_role") or "",
        attitude=data.get("attitude") or "",
        status="" if status == "all" else status,
        stale=bool(data.get("stale")),
        sort=data.get("sort") or "level",
    )
    return form, filters


def _page(request: HtmxHttpRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, settings.KAM_PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    return page, (urlencode(params) + "&" if params else "")


def _filtered(request: HtmxHttpRequest) -> bool:
    keys = ("q", "level", "buying_role", "attitude", "stale")
    return any(request.GET.get(k) for k in keys) or request.GET.get("status") in ("left", "all")


@require_GET
def stakeholder_list(request: HtmxHttpRequest) -> HttpResponse:
    """Everybody in every account the user sees: find a person, or the stale records to check."""
    form, filters = _filters(request)
    qs = selectors.with_other_accounts(
        selectors.stakeholder_list(user=request.user, filters=filters), user=request.user
    )
    page, querystring = _page(request, qs)
    context = {
        "form": form,
        "page_obj": page,
        "people": page.object_list,
        "querystring_base": querystring,
        "filtered": _filtered(request),
        "show_account": True,
        "stale_days": selectors.stale_days(),
    }
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "stakeholders/_results.html", context)
    return render(request, "stakeholders/list.html", context)


@require_GET
def account_people(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """An account's decision-making unit: the list, the org chart and the coverage summary."""
    account = account_get(user=request.user, account_id=pk)
    form, filters = _filters(request)
    everyone = selectors.account_stakeholders(account=account)
    qs = selectors.with_other_accounts(
        selectors.filter_stakeholders(everyone, filters), user=request.user
    )
    page, querystring = _page(request, qs)
    context = {
        "account": account,
        "form": form,
        "page_obj": page,
        "people": page.object_list,
        "querystring_base": querystring,
        "filtered": _filtered(request),
        "show_account": False,
        "can_edit": account_can_edit(user=request.user, account=account),
        "stale_days": selectors.stale_days(),
    }
    if request.htmx and request.htmx.target == "people-results":
        return render(request, "stakeholders/_results.html", context)
    active = list(everyone.filter(status=StakeholderStatus.ACTIVE))
    context.update(
        {
            "org_chart": selectors.org_chart(people=active),
            "coverage": selectors.coverage_matrix(people=active),
            "active_count": len(active),
            "stale_count": sum(1 for p in active if p.is_stale),
            "missing_roles": _missing_roles(active),
        }
    )
    return render(request, "stakeholders/account.html", context)


def _missing_roles(people: list[Stakeholder]) -> list[str]:
    present = {p.buying_role for p in people}
    return [str(role.label) for role in KEY_ROLES if role not in present]


@require_GET
def account_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier's panel: who decides, who is stale, which key roles nobody fills."""
    account = account_get(user=request.user, account_id=pk)
    active = list(
        selectors.account_stakeholders(account=account)
        .filter(status=StakeholderStatus.ACTIVE)
        .order_by("-influence", "last_name", "first_name", "id")
    )
    return render(
        request,
        "stakeholders/_panel.html",
        {
            "account": account,
            "key_people": active[:8],
            "more": max(0, len(active) - 8),
            "active_count": len(active),
            "stale_count": sum(1 for p in active if p.is_stale),
            "missing_roles": _missing_roles(active),
            "can_edit": account_can_edit(user=request.user, account=account),
        },
    )


# --- One person ------------------------------------------------------------------------------


def _history(person: Stakeholder) -> Any:
    kind = ContentType.objects.get_for_model(Stakeholder)
    return audit_entries_for(person.account).filter(target_type=kind, target_id=person.pk)[:10]


@require_GET
def stakeholder_detail(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    user = request.user
    person = selectors.stakeholder_get(user=user, stakeholder_id=stakeholder_id)
    notes_visible = selectors.personal_notes_visible(user=user, stakeholder=person)
    return render(
        request,
        "stakeholders/detail.html",
        {
            "person": person,
            "account": person.account,
            "others": selectors.other_accounts_visible(user=user, stakeholder=person),
            "reports": selectors.stakeholder_reports(stakeholder=person),
            "notes_visible": notes_visible,
            "personal": selectors.personal_note_for(user=user, stakeholder=person)
            if notes_visible
            else None,
            "can_edit": selectors.stakeholder_can_edit(user=user, stakeholder=person),
            "history": _history(person),
            "left_form": LeftForm(initial={"version": person.version}),
            "stale_days": selectors.stale_days(),
        },
    )


def _validate_field(request: HtmxHttpRequest, form: StakeholderForm) -> HttpResponse | None:
    """Inline validation: re-render just the field that changed, with its errors."""
    name = request.GET.get("validate")
    if not (request.htmx and name and name in form.fields):
        return None
    form.is_valid()
    return render(
        request,
        "forms/field.html",
        {"field": form[name], "validate_url": request.path, "full": name == "address"},
    )


def _editable_account(request: HtmxHttpRequest, pk: int) -> Account:
    account = account_get(user=request.user, account_id=pk)
    if not account_can_edit(user=request.user, account=account):
        raise PermissionDenied(_("You may read this account's people but not change them."))
    return account


@require_http_methods(["GET", "POST"])
def stakeholder_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = _editable_account(request, pk)
    form = StakeholderForm(request.POST or None, account=account, user=request.user)
    if request.method == "POST":
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                person = services.stakeholder_create(
                    actor=request.user,  # type: ignore[arg-type]
                    account_id=account.pk,
                    **form.stakeholder_data(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("%(name)s added.") % {"name": person.full_name})
                if "add_another" in request.POST:
                    return redirect("stakeholders:create", pk=account.pk)
                return redirect("stakeholders:detail", stakeholder_id=person.pk)
    return render(
        request, "stakeholders/form.html", {"form": form, "account": account, "person": None}
    )


def _editable_person(request: HtmxHttpRequest, stakeholder_id: int) -> Stakeholder:
    person = selectors.stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    if not selectors.stakeholder_can_edit(user=request.user, stakeholder=person):
        raise PermissionDenied(_("You may read this person but not change them."))
    return person


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = _editable_person(request, stakeholder_id)
    account = person.account
    conflict = None
    if request.method == "POST":
        form = StakeholderForm(request.POST, account=account, user=request.user, person=person)
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                services.stakeholder_update(
                    actor=request.user,  # type: ignore[arg-type]
                    stakeholder_id=person.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.stakeholder_data(),
                    verified=form.cleaned_data.get("verified", False),
                )
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = StakeholderForm(data, account=account, user=request.user, person=person)
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request, _("Changes to %(name)s saved.") % {"name": person.full_name}
                )
                return redirect("stakeholders:detail", stakeholder_id=person.pk)
    else:
        form = StakeholderForm(
            initial=StakeholderForm.initial_for(person),
            account=account,
            user=request.user,
            person=person,
        )
    return render(
        request,
        "stakeholders/form.html",
        {"form": form, "account": account, "person": person, "conflict": conflict},
    )


@require_http_methods(["GET", "POST"])
def personal_edit(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = selectors.stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    if not selectors.personal_notes_visible(user=request.user, stakeholder=person):
        # Not even a hint that notes exist for readers who may not see them.
        raise Http404
    if not selectors.stakeholder_can_edit(user=request.user, stakeholder=person):
        raise PermissionDenied(_("You may read these personal notes but not change them."))
    note = selectors.personal_note_for(user=request.user, stakeholder=person)
    form = PersonalNoteForm(request.POST or None, initial=PersonalNoteForm.initial_for(note))
    if request.method == "POST" and form.is_valid():
        try:
            services.personal_note_update(
                actor=request.user,  # type: ignore[arg-type]
                stakeholder_id=person.pk,
                values={
                    name: form.cleaned_data[name]
                    for name in ("birthday", "family", "hobbies", "values", "notes")
                },
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Personal notes saved."))
            return redirect("stakeholders:detail", stakeholder_id=person.pk)
    return render(
        request,
        "stakeholders/personal_form.html",
        {"form": form, "person": person, "account": person.account},
    )


def _after_action(request: HtmxHttpRequest, person_id: int) -> HttpResponse:
    return redirect("stakeholders:detail", stakeholder_id=person_id)


@require_POST
def stakeholder_verify(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = _editable_person(request, stakeholder_id)
    services.stakeholder_verify(actor=request.user, stakeholder_id=person.pk)  # type: ignore[arg-type]
    messages.success(
        request, _("%(name)s's details are marked as verified today.") % {"name": person.full_name}
    )
    target = request.POST.get("next")
    if target == "account":
        return redirect("stakeholders:account", pk=person.account_id)
    return _after_action(request, person.pk)


@require_POST
def stakeholder_left(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = _editable_person(request, stakeholder_id)
    form = LeftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date they left as a valid date."))
        return _after_action(request, person.pk)
    try:
        services.stakeholder_mark_left(
            actor=request.user,  # type: ignore[arg-type]
            stakeholder_id=person.pk,
            left_on=form.cleaned_data.get("left_on"),
            expected_version=form.cleaned_data.get("version"),
        )
    except (ValidationError, ConflictError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s is recorded as having left; their history stays.")
            % {"name": person.full_name},
        )
    return _after_action(request, person.pk)


@require_POST
def stakeholder_reactivate(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = _editable_person(request, stakeholder_id)
    services.stakeholder_reactivate(actor=request.user, stakeholder_id=person.pk)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
    return _after_action(request, person.pk)


@require_POST
def stakeholder_delete(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = _editable_person(request, stakeholder_id)
    account_id = person.account_id
    services.stakeholder_delete(actor=request.user, stakeholder_id=person.pk)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s deleted.") % {"name": person.full_name})
    return redirect("stakeholders:account", pk=account_id)


# --- vCard export ----------------------------------------------------------------------------


def _version(request: HtmxHttpRequest) -> str:
    return "4.0" if request.GET.get("version") == "4.0" else "3.0"


def _vcard_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename[:80] or 'people'}.vcf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def account_vcard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account, text = vcard_export_account(
        user=request.user,
        account_id=pk,
        version=_version(request),
        include_left=request.GET.get("include_left") == "1",
    )
    return _vcard_response(text, account.name)


@require_GET
def stakeholder_vcard(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    person = selectors.stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    text = vcard_export_one(user=request.user, person=person, version=_version(request))
    return _vcard_response(text, person.full_name)
