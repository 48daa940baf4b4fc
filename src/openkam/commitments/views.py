"""Promise pages. Thin: they bind forms, call services and selectors, and render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.selectors import account_get, accounts_visible_to
from openkam.commitments import selectors, services
from openkam.commitments.forms import (
    STATE_LABELS,
    CancelForm,
    CommitmentFilterForm,
    CommitmentForm,
    CompleteForm,
    RescheduleForm,
)
from openkam.commitments.models import Commitment, Direction
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.core.models import AuditEntry


def _filters(form: CommitmentFilterForm, user: Any) -> selectors.CommitmentFilters:
    data = form.cleaned_data if form.is_valid() else {}
    owner = data.get("owner") or ""
    owner_id = user.pk if owner == "me" else (int(owner) if owner.isdigit() else None)
    return selectors.CommitmentFilters(
        state=data.get("state") or "open",
        direction=data.get("direction") or "",
        owner_id=owner_id,
        kam_id=data.get("kam"),
        account_id=data.get("account"),
        q=data.get("q") or "",
        due_from=data.get("due_from"),
        due_to=data.get("due_to"),
        sort=data.get("sort") or "due",
        due_soon_days=settings.KAM_DUE_SOON_DAYS,
    )


@require_GET
def commitment_list(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    form = CommitmentFilterForm(request.GET or None, user=user)
    filters = _filters(form, user)
    paginator = Paginator(
        selectors.commitment_list(user=user, filters=filters), settings.KAM_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    context = {
        "form": form,
        "page_obj": page,
        "commitments": page.object_list,
        "querystring_base": urlencode(params) + "&" if params else "",
        "filtered": any(
            params.get(k)
            for k in ("q", "direction", "owner", "kam", "account", "due_from", "due_to")
        ),
        "account": (
            accounts_visible_to(user).filter(pk=filters.account_id).only("id", "name").first()
            if filters.account_id
            else None
        ),
        "state": filters.state,
        "state_label": STATE_LABELS.get(filters.state, ""),
        "states": [(key, label) for key, label in STATE_LABELS.items()],
        "figures": selectors.figures_for(user=user, due_soon_days=settings.KAM_DUE_SOON_DAYS)[None],
        "base_params": urlencode({k: v for k, v in params.items() if k != "state"}),
    }
    if request.htmx and request.htmx.target == "commitment-results":
        return render(request, "commitments/_results.html", context)
    return render(request, "commitments/list.html", context)


@require_GET
def commitment_figures(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "commitments/figures.html",
        {
            "department": selectors.figures_for(
                user=user, due_soon_days=settings.KAM_DUE_SOON_DAYS
            )[None],
            "by_kam": selectors.figures_by_kam(user=user),
            "by_account": selectors.figures_by_account(user=user, limit=50),
        },
    )


@require_http_methods(["GET", "POST"])
def commitment_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = account_get(user=user, account_id=pk)
    if not selectors.commitment_can_create(user=user, account=account):
        raise PermissionDenied(_("You may read this account but not record promises on it."))
    initial: dict[str, Any] = {
        "owner": user.pk,
        "direction": request.GET.get("direction") or Direction.OURS,
    }
    if request.GET.get("interaction", "").isdigit():
        initial["interaction"] = request.GET["interaction"]
    form = CommitmentForm(request.POST or None, account=account, actor=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_create(
                actor=user,  # type: ignore[arg-type]
                account_id=account.pk,
                **form.service_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Promise recorded: %(what)s") % {"what": commitment.title})
            return redirect("commitments:detail", commitment_id=commitment.pk)
    return render(
        request, "commitments/form.html", {"form": form, "account": account, "commitment": None}
    )


def _history(commitment: Commitment) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Commitment), target_id=commitment.pk
        )
        .select_related("actor", "target_type")
        .order_by("-at", "-id")[:50]
    )


def _detail(request: HtmxHttpRequest, commitment: Commitment, **extra: Any) -> HttpResponse:
    can_edit = selectors.commitment_can_edit(user=request.user, commitment=commitment)
    context = {
        "commitment": commitment,
        "account": commitment.account,
        "reschedules": selectors.commitment_reschedules(commitment=commitment),
        "history": _history(commitment),
        "can_edit": can_edit,
        "complete_form": CompleteForm(initial={"version": commitment.version})
        if can_edit
        else None,
        "cancel_form": CancelForm(initial={"version": commitment.version}) if can_edit else None,
    }
    context.update(extra)
    return render(request, "commitments/detail.html", context, status=200)


@require_GET
def commitment_detail(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    return _detail(
        request, selectors.commitment_get(user=request.user, commitment_id=commitment_id)
    )


def _editable(request: HtmxHttpRequest, commitment_id: int) -> Commitment:
    """404 if unseen, 403 before any form is read."""
    commitment = selectors.commitment_get(user=request.user, commitment_id=commitment_id)
    if not selectors.commitment_can_edit(user=request.user, commitment=commitment):
        raise PermissionDenied(_("You may read this promise but not change it."))
    return commitment


@require_http_methods(["GET", "POST"])
def commitment_edit(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    user = request.user
    commitment = _editable(request, commitment_id)
    conflict = None
    if request.method == "POST":
        form = CommitmentForm(request.POST, account=commitment.account, actor=user, editing=True)
        if form.is_valid():
            try:
                services.commitment_update(
                    actor=user,  # type: ignore[arg-type]
                    commitment_id=commitment.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.service_data(),
                )
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = CommitmentForm(data, account=commitment.account, actor=user, editing=True)
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("commitments:detail", commitment_id=commitment.pk)
    else:
        form = CommitmentForm(
            initial=CommitmentForm.initial_for(commitment),
            account=commitment.account,
            actor=user,
            editing=True,
        )
    return render(
        request,
        "commitments/form.html",
        {
            "form": form,
            "account": commitment.account,
            "commitment": commitment,
            "conflict": conflict,
        },
    )


@require_http_methods(["GET", "POST"])
def commitment_reschedule(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    user = request.user
    commitment = _editable(request, commitment_id)
    conflict = None
    form = RescheduleForm(
        request.POST or None, commitment=commitment, initial={"version": commitment.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.commitment_reschedule(
                actor=user,  # type: ignore[arg-type]
                commitment_id=commitment.pk,
                new_due_date=data["new_due_date"],
                reason=data["reason"],
                client_message=data["client_message"],
                informed_via=data["informed_via"],
                informed_on=data["informed_on"],
                informed_person=data.get("informed_person"),
                expected_version=data.get("version"),
            )
        except ConflictError as exc:
            conflict = exc
            post = request.POST.copy()
            post["version"] = str(exc.current.version)
            form = RescheduleForm(post, commitment=exc.current)
            form.is_valid()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Rescheduled to %(date)s; the history keeps what the client was told.")
                % {"date": formats.date_format(data["new_due_date"], "SHORT_DATE_FORMAT")},
            )
            return redirect("commitments:detail", commitment_id=commitment.pk)
    return render(
        request,
        "commitments/reschedule.html",
        {
            "form": form,
            "commitment": commitment,
            "account": commitment.account,
            "conflict": conflict,
            "reschedules": selectors.commitment_reschedules(commitment=commitment),
        },
    )


def _state_change(
    request: HtmxHttpRequest, commitment: Commitment, form: Any, action: Any, done: str
) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ConflictError as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            apply_validation_error(form, exc)
            commitment.refresh_from_db()
            key = "complete_form" if isinstance(form, CompleteForm) else "cancel_form"
            return _detail(request, commitment, **{key: form})
        else:
            messages.success(request, done)
            return redirect("commitments:detail", commitment_id=commitment.pk)
    else:
        key = "complete_form" if isinstance(form, CompleteForm) else "cancel_form"
        return _detail(request, commitment, **{key: form})
    return redirect("commitments:detail", commitment_id=commitment.pk)


@require_POST
def commitment_complete(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _editable(request, commitment_id)
    return _state_change(
        request,
        commitment,
        CompleteForm(request.POST),
        lambda data: services.commitment_complete(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment.pk,
            completed_on=data["completed_on"],
            note=data.get("note", ""),
            expected_version=data.get("version"),
        ),
        _("Marked as done."),
    )


@require_POST
def commitment_cancel(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _editable(request, commitment_id)
    return _state_change(
        request,
        commitment,
        CancelForm(request.POST),
        lambda data: services.commitment_cancel(
            actor=request.user,  # type: ignore[arg-type]
            commitment_id=commitment.pk,
            reason=data["reason"],
            expected_version=data.get("version"),
        ),
        _("Promise cancelled."),
    )


@require_POST
def commitment_reopen(request: HtmxHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = _editable(request, commitment_id)
    try:
        services.commitment_reopen(actor=request.user, commitment_id=commitment.pk)  # type: ignore[arg-type]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Promise reopened."))
    return redirect("commitments:detail", commitment_id=commitment.pk)


@require_GET
def account_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier's panel: open promises both ways, loaded lazily."""
    user = request.user
    account = account_get(user=user, account_id=pk)
    open_ = list(selectors.account_open_commitments(account=account))
    return render(
        request,
        "commitments/_account_panel.html",
        {
            "account": account,
            "ours": [c for c in open_ if c.direction == Direction.OURS],
            "theirs": [c for c in open_ if c.direction == Direction.THEIRS],
            "figures": selectors.figures_for(
                user=user, account_ids=[account.pk], due_soon_days=settings.KAM_DUE_SOON_DAYS
            )[None],
            "can_create": selectors.commitment_can_create(user=user, account=account),
        },
    )
