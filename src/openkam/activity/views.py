"""Pages of the relationship's history: timelines, logging and editing interactions, files and
the meeting preparation. Thin: services and selectors decide; these map them to HTTP."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.accounts.models import Account
from openkam.accounts.selectors import account_can_edit, account_get
from openkam.activity import selectors, services, timeline_selectors
from openkam.activity.files import served_content_type
from openkam.activity.forms import InteractionForm, MeetingDateForm, TimelineFilterForm
from openkam.activity.meeting import meeting_preparation
from openkam.activity.models import Interaction
from openkam.core.errors import ConflictError
from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.stakeholders.selectors import stakeholder_counts_by_account, stakeholder_get

PANEL_PAGE_SIZE = 10


# --- Timelines -------------------------------------------------------------------------------


def _filters(form: TimelineFilterForm) -> timeline_selectors.TimelineFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return timeline_selectors.TimelineFilters(
        type=data.get("type") or "",
        person=data.get("person") or "",
        since=data.get("since"),
        until=data.get("until"),
    )


def _timeline_context(
    request: HtmxHttpRequest,
    *,
    url: str,
    page_size: int,
    account: Account | None = None,
    stakeholder: Any = None,
    unfiltered: bool = False,
) -> dict[str, Any]:
    user = request.user
    query = {} if unfiltered else request.GET.dict()
    people = timeline_selectors.timeline_people(account=account) if account is not None else {}
    form = TimelineFilterForm(query or None, people=people)
    if stakeholder is not None:
        del form.fields["person"]
    filters = _filters(form)
    rows = timeline_selectors.timeline_rows(
        user=user, filters=filters, account=account, stakeholder=stakeholder
    )
    page = Paginator(rows, page_size).get_page(query.get("page"))  # type: ignore[arg-type,var-annotated]
    editable = account_can_edit(user=user, account=account) if account is not None else None
    entries = timeline_selectors.timeline_entries(
        user=user, rows=page.object_list, account_editable=editable
    )
    params = {k: v for k, v in query.items() if v and k != "page"}
    return {
        "account": account,
        "stakeholder": stakeholder,
        "filter_form": form,
        "filters": filters,
        "page_obj": page,
        "entries": entries,
        "timeline_url": url,
        "querystring_base": urlencode(params) + "&" if params else "",
        "can_log": account is not None
        and selectors.interaction_can_log(user=user, account=account),
        "today": timezone.localdate(),
    }


@require_GET
def account_timeline(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The account's whole history, filterable, as a page of its own."""
    account = account_get(user=request.user, account_id=pk)
    url = reverse("activity:account_timeline", args=[account.pk])
    context = _timeline_context(request, url=url, page_size=settings.KAM_PAGE_SIZE, account=account)
    context["panel"] = False
    if request.htmx and request.htmx.target == "timeline-panel":
        return render(request, "activity/_timeline_panel.html", context)
    return render(request, "activity/timeline.html", context)


@require_GET
def account_timeline_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The dossier's timeline panel (loaded lazily; filters and pages swap it in place)."""
    account = account_get(user=request.user, account_id=pk)
    url = reverse("activity:account_timeline_panel", args=[account.pk])
    context = _timeline_context(request, url=url, page_size=PANEL_PAGE_SIZE, account=account)
    context.update(
        {"panel": True, "full_url": reverse("activity:account_timeline", args=[account.pk])}
    )
    return render(request, "activity/_timeline_panel.html", context)


@require_GET
def stakeholder_timeline(request: HtmxHttpRequest, stakeholder_id: int) -> HttpResponse:
    """Everything we did with one person, across the accounts the reader may see."""
    stakeholder = stakeholder_get(user=request.user, stakeholder_id=stakeholder_id)
    url = reverse("activity:stakeholder_timeline", args=[stakeholder.pk])
    if not request.htmx:
        context = _timeline_context(
            request, url=url, page_size=settings.KAM_PAGE_SIZE, stakeholder=stakeholder
        )
        context["panel"] = False
        return render(request, "activity/timeline.html", context)
    context = _timeline_context(
        request, url=url, page_size=PANEL_PAGE_SIZE, stakeholder=stakeholder
    )
    context.update({"panel": True, "full_url": url})
    return render(request, "activity/_timeline_panel.html", context)


# --- Interactions ----------------------------------------------------------------------------


def _form_response(
    request: HtmxHttpRequest, form: InteractionForm, account: Account, **extra: Any
) -> HttpResponse:
    context = {"form": form, "account": account, **extra}
    if request.htmx:
        return render(request, "activity/_interaction_form.html", context)
    return render(request, "activity/interaction_form.html", context)


@require_http_methods(["GET", "POST"])
def interaction_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    account = account_get(user=user, account_id=pk)
    if not selectors.interaction_can_log(user=user, account=account):
        raise PermissionDenied(_("Your role cannot log interactions."))
    if request.method == "GET":
        if request.GET.get("cancel") and request.htmx:
            return render(request, "activity/_log_button.html", {"account": account})
        initial = InteractionForm.initial_new(user)  # type: ignore[arg-type]
        kind = request.GET.get("kind")
        if kind:
            initial["kind"] = kind
        form = InteractionForm(initial=initial, account=account, actor=user)  # type: ignore[arg-type]
        return _form_response(request, form, account)
    form = InteractionForm(request.POST, request.FILES, account=account, actor=user)  # type: ignore[arg-type]
    if form.is_valid():
        try:
            interaction = services.interaction_create(
                actor=user,  # type: ignore[arg-type]
                account_id=account.pk,
                files=form.cleaned_data.get("files") or [],
                **form.interaction_data(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            message = _("%(kind)s “%(subject)s” logged.") % {
                "kind": interaction.get_kind_display(),
                "subject": interaction.subject,
            }
            if request.htmx:
                return _logged_response(request, account, message)
            messages.success(request, message)
            return redirect(reverse("accounts:detail", args=[account.pk]) + "#timeline")
    return _form_response(request, form, account)


def _logged_response(request: HtmxHttpRequest, account: Account, message: str) -> HttpResponse:
    """After logging from the dossier: the button back in place of the form, the message, and
    the refreshed timeline panel swapped out of band."""
    url = reverse("activity:account_timeline_panel", args=[account.pk])
    context = _timeline_context(
        request, url=url, page_size=PANEL_PAGE_SIZE, account=account, unfiltered=True
    )
    context.update(
        {
            "panel": True,
            "full_url": reverse("activity:account_timeline", args=[account.pk]),
            "logged_message": message,
            # The dossier's overview (last contact, open steps, files) changes too.
            "activity": selectors.account_activity_summary(account=account),
            "people_count": stakeholder_counts_by_account(account_ids=[account.pk]).get(
                account.pk, 0
            ),
        }
    )
    return render(request, "activity/_logged.html", context)


@require_GET
def interaction_detail(request: HtmxHttpRequest, interaction_id: int) -> HttpResponse:
    user = request.user
    interaction = selectors.interaction_get(user=user, interaction_id=interaction_id)
    return render(
        request,
        "activity/interaction_detail.html",
        {
            "interaction": interaction,
            "account": interaction.account,
            "can_edit": selectors.interaction_can_edit(user=user, interaction=interaction),
            "can_log": selectors.interaction_can_log(user=user, account=interaction.account),
            "history": selectors.interaction_history(interaction=interaction)[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def interaction_edit(request: HtmxHttpRequest, interaction_id: int) -> HttpResponse:
    user = request.user
    interaction = selectors.interaction_get(user=user, interaction_id=interaction_id)
    account = interaction.account
    if not selectors.interaction_can_edit(user=user, interaction=interaction):
        raise PermissionDenied(
            _("Only the person who logged it and the account's editors change an interaction.")
        )
    conflict = None
    if request.method == "POST":
        form = InteractionForm(
            request.POST,
            request.FILES,
            account=account,
            actor=user,  # type: ignore[arg-type]
            interaction=interaction,
        )
        if form.is_valid():
            try:
                services.interaction_update(
                    actor=user,  # type: ignore[arg-type]
                    interaction_id=interaction.pk,
                    expected_version=form.cleaned_data.get("version") or 0,
                    changes=form.interaction_data(),
                )
                files = form.cleaned_data.get("files") or []
                if files:
                    services.attachments_add(
                        actor=user,  # type: ignore[arg-type]
                        interaction_id=interaction.pk,
                        files=files,
                    )
            except ConflictError as exc:
                conflict = exc
                data = request.POST.copy()
                data["version"] = str(exc.current.version)
                form = InteractionForm(data, account=account, actor=user, interaction=interaction)  # type: ignore[arg-type]
                form.is_valid()
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("activity:interaction_detail", interaction_id=interaction.pk)
    else:
        form = InteractionForm(
            initial=InteractionForm.initial_for(interaction),
            account=account,
            actor=user,  # type: ignore[arg-type]
            interaction=interaction,
        )
    return render(
        request,
        "activity/interaction_form.html",
        {"form": form, "account": account, "interaction": interaction, "conflict": conflict},
    )


@require_POST
def interaction_delete(request: HtmxHttpRequest, interaction_id: int) -> HttpResponse:
    interaction = selectors.interaction_get(user=request.user, interaction_id=interaction_id)
    services.interaction_delete(
        actor=request.user,  # type: ignore[arg-type]
        interaction_id=interaction.pk,
    )
    messages.success(request, _("“%(subject)s” deleted.") % {"subject": interaction.subject})
    return redirect(reverse("accounts:detail", args=[interaction.account_id]) + "#timeline")


@require_POST
def interaction_next_step(request: HtmxHttpRequest, interaction_id: int) -> HttpResponse:
    user = request.user
    selectors.interaction_get(user=user, interaction_id=interaction_id)
    done = request.POST.get("done", "1") != "0"
    try:
        interaction = services.interaction_next_step_done(
            actor=user,  # type: ignore[arg-type]
            interaction_id=interaction_id,
            done=done,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activity:interaction_detail", interaction_id=interaction_id)
    if request.htmx:
        return render(request, "activity/_next_step.html", {"interaction": interaction})
    messages.success(request, _("Next step marked done.") if done else _("Next step reopened."))
    return redirect(_back(request, interaction))


def _back(request: HtmxHttpRequest, interaction: Interaction) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("activity:interaction_detail", args=[interaction.pk])


# --- Attachments -----------------------------------------------------------------------------


@require_POST
def attachment_add(request: HtmxHttpRequest, interaction_id: int) -> HttpResponse:
    interaction = selectors.interaction_get(user=request.user, interaction_id=interaction_id)
    if not selectors.interaction_can_log(user=request.user, account=interaction.account):
        raise PermissionDenied(_("Your role cannot attach files."))
    files = request.FILES.getlist("files")
    try:
        saved = services.attachments_add(
            actor=request.user,  # type: ignore[arg-type]
            interaction_id=interaction.pk,
            files=files,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Attached: %(names)s.") % {"names": ", ".join(a.original_name for a in saved)},
        )
    return redirect("activity:interaction_detail", interaction_id=interaction.pk)


@require_GET
def attachment_download(request: HtmxHttpRequest, attachment_id: int) -> FileResponse:
    """The file, only for readers of its account, always as a download (never rendered by the
    browser: `Content-Disposition: attachment`, `nosniff`, a type derived from the name)."""
    attachment = selectors.attachment_get(user=request.user, attachment_id=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=served_content_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
def attachment_delete(request: HtmxHttpRequest, attachment_id: int) -> HttpResponse:
    attachment = selectors.attachment_get(user=request.user, attachment_id=attachment_id)
    services.attachment_delete(
        actor=request.user,  # type: ignore[arg-type]
        attachment_id=attachment.pk,
    )
    messages.success(request, _("%(name)s removed.") % {"name": attachment.original_name})
    return redirect("activity:interaction_detail", interaction_id=attachment.interaction_id)


@require_GET
def account_files(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """All files of an account: the dossier's panel, or a page of its own without htmx."""
    account = account_get(user=request.user, account_id=pk)
    size = PANEL_PAGE_SIZE if request.htmx else settings.KAM_PAGE_SIZE
    page = Paginator(selectors.account_files(account=account), size).get_page(
        request.GET.get("page")
    )
    context = {
        "account": account,
        "page_obj": page,
        "files": page.object_list,
        "files_url": reverse("activity:account_files", args=[account.pk]),
        "querystring_base": "",
        "panel": bool(request.htmx),
    }
    if request.htmx:
        return render(request, "activity/_files_panel.html", context)
    return render(request, "activity/files.html", context)


# --- Meeting preparation ---------------------------------------------------------------------


@require_GET
def meeting_prep(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A printable brief for a meeting with the account on a chosen date."""
    account = account_get(user=request.user, account_id=pk)
    form = MeetingDateForm(request.GET or None)
    day: datetime.date | None = form.cleaned_data.get("date") if form.is_valid() else None
    prep = meeting_preparation(user=request.user, account=account, on=day)
    if not form.is_bound:
        form = MeetingDateForm(initial={"date": prep.date})
    return render(
        request,
        "activity/meeting_prep.html",
        {"account": account, "prep": prep, "form": form},
    )
