"""Knowledge pages: the company library, an account's knowledge, entries, and the link picker.
Thin: services and selectors enforce who may read and change what."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.core.audit import audit_entries_for
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.knowledge import selectors, services
from openkam.knowledge.forms import KnowledgeFilterForm, KnowledgeForm
from openkam.knowledge.models import ACCOUNT_KINDS, KnowledgeEntry


def _list_context(
    request: HtmxHttpRequest, *, account: Account | None, default_scope: str
) -> dict[str, Any]:
    user = request.user
    tags = selectors.knowledge_tags(user=user, scope_account_id=account.pk if account else None)
    form = KnowledgeFilterForm(request.GET, tags=tags)
    data = form.cleaned_data if form.is_valid() else {}
    scope = data.get("scope") or default_scope
    filters = selectors.KnowledgeFilters(
        q=data.get("q") or "",
        kind=data.get("kind") or "",
        tag=data.get("tag") or "",
        scope="" if scope == "all" else scope,
        account_id=account.pk if account else None,
    )
    page = Paginator(
        selectors.knowledge_list(user=user, filters=filters), settings.KAM_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.dict().items() if v and k != "page"}
    return {
        "form": form,
        "page_obj": page,
        "entries": page.object_list,
        "querystring_base": urlencode(params) + "&" if params else "",
        "filtered": any(params.get(k) for k in ("q", "kind", "tag")),
        "account": account,
        "scope": scope,
    }


@require_GET
def library(request: HtmxHttpRequest) -> HttpResponse:
    context = _list_context(request, account=None, default_scope="library")
    context["can_create"] = selectors.library_can_edit(user=request.user)
    if request.htmx and request.htmx.target == "knowledge-results":
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/library.html", context)


@require_GET
def account_knowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    account = account_get(user=request.user, account_id=pk)
    context = _list_context(request, account=account, default_scope="accounts")
    context["can_create"] = account_can_edit(user=request.user, account=account)
    if request.htmx and request.htmx.target == "knowledge-results":
        return render(request, "knowledge/_results.html", context)
    return render(request, "knowledge/account.html", context)


@require_GET
def account_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier's panel: the account's needs, pains, criteria and facts, a few of each."""
    account = account_get(user=request.user, account_id=pk)
    entries = list(
        selectors.knowledge_visible_to(user=request.user)
        .filter(account=account)
        .only("id", "kind", "title", "tags", "updated_at")
        .order_by("-updated_at", "-id")[:200]
    )
    groups = []
    for kind in ACCOUNT_KINDS:
        items = [e for e in entries if e.kind == kind]
        if items:
            groups.append({"label": kind.label, "items": items[:4], "more": len(items) - 4})
    return render(
        request,
        "knowledge/_panel.html",
        {
            "account": account,
            "groups": groups,
            "count": len(entries),
            "can_create": account_can_edit(user=request.user, account=account),
        },
    )


@require_GET
def entry_detail(request: HtmxHttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.knowledge_get(user=request.user, entry_id=entry_id)
    root = entry.account if entry.account is not None else entry
    history = [e for e in audit_entries_for(root).filter(target_id=entry.pk)[:20]]
    history = [e for e in history if e.target_type.model_class() is KnowledgeEntry][:10]
    return render(
        request,
        "knowledge/detail.html",
        {
            "entry": entry,
            "account": entry.account,
            "can_edit": selectors.knowledge_can_edit(user=request.user, entry=entry),
            "history": history,
        },
    )


def _validate_field(request: HtmxHttpRequest, form: KnowledgeForm) -> HttpResponse | None:
    name = request.GET.get("validate")
    if not (request.htmx and name and name in form.fields):
        return None
    form.is_valid()
    return render(
        request,
        "forms/field.html",
        {"field": form[name], "validate_url": request.path, "full": name == "body"},
    )


def _create(request: HtmxHttpRequest, account: Account | None) -> HttpResponse:
    if not selectors.knowledge_can_create(user=request.user, account=account):
        raise PermissionDenied(
            _("Only the head and the KAMs maintain the library.")
            if account is None
            else _("You may read this account's knowledge but not change it.")
        )
    form = KnowledgeForm(
        request.POST or None,
        library=account is None,
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST":
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                entry = services.knowledge_create(
                    actor=request.user,  # type: ignore[arg-type]
                    account_id=account.pk if account else None,
                    **form.entry_data(),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("“%(title)s” saved.") % {"title": entry.title})
                return redirect("knowledge:detail", entry_id=entry.pk)
    return render(request, "knowledge/form.html", {"form": form, "account": account, "entry": None})


@require_http_methods(["GET", "POST"])
def library_create(request: HtmxHttpRequest) -> HttpResponse:
    return _create(request, None)


@require_http_methods(["GET", "POST"])
def account_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _create(request, account_get(user=request.user, account_id=pk))


def _editable(request: HtmxHttpRequest, entry_id: int) -> KnowledgeEntry:
    entry = selectors.knowledge_get(user=request.user, entry_id=entry_id)
    if not selectors.knowledge_can_edit(user=request.user, entry=entry):
        raise PermissionDenied(_("You may read this entry but not change it."))
    return entry


@require_http_methods(["GET", "POST"])
def entry_edit(request: HtmxHttpRequest, entry_id: int) -> HttpResponse:
    entry = _editable(request, entry_id)
    library = entry.account_id is None
    conflict = None
    if request.method == "POST":
        form = KnowledgeForm(request.POST, library=library)
        if (partial := _validate_field(request, form)) is not None:
            return partial
        if form.is_valid():
            try:
                services.knowledge_update(
                    actor=request.user,  # type: ignore[arg-type]
                    entry_id=entry.pk,
                    expected_version=form.cleaned_data["version"] or 0,
                    changes=form.entry_data(),
                )
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = KnowledgeForm(data, library=library)
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("knowledge:detail", entry_id=entry.pk)
    else:
        form = KnowledgeForm(initial=KnowledgeForm.initial_for(entry), library=library)
    return render(
        request,
        "knowledge/form.html",
        {"form": form, "account": entry.account, "entry": entry, "conflict": conflict},
    )


@require_POST
def entry_delete(request: HtmxHttpRequest, entry_id: int) -> HttpResponse:
    entry = _editable(request, entry_id)
    services.knowledge_delete(actor=request.user, entry_id=entry.pk)  # type: ignore[arg-type]
    messages.success(request, _("“%(title)s” deleted.") % {"title": entry.title})
    if entry.account_id is not None:
        return redirect("knowledge:account", pk=entry.account_id)
    return redirect("knowledge:library")


@require_GET
def lookup(request: HtmxHttpRequest) -> HttpResponse:
    """The link picker's results: entries matching the search that the user may read, each
    with its reference and a button that inserts it into the text field named by `target`."""
    term = request.GET.get("kb_search", "").strip()
    target = request.GET.get("target", "")
    results: list[KnowledgeEntry] = []
    if term:
        results = list(
            selectors.knowledge_list(user=request.user, filters=selectors.KnowledgeFilters(q=term))[
                :10
            ]
        )
    return render(
        request,
        "knowledge/_lookup.html",
        {"results": results, "term": term, "target": target if target.isidentifier() else ""},
    )
