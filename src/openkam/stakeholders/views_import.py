"""vCard import pages: upload, preview card by card, confirm. The file waits between preview
and confirmation in the data directory behind a signed ticket (see vcard_io)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openkam.core.forms import apply_validation_error
from openkam.core.http import HtmxHttpRequest
from openkam.stakeholders.forms import VCardConfirmForm, VCardUploadForm
from openkam.stakeholders.vcard_io import (
    describe_error,
    pending_upload_discard,
    pending_upload_load,
    pending_upload_store,
    vcard_import,
    vcard_preview,
)
from openkam.stakeholders.views import _editable_account


@require_http_methods(["GET", "POST"])
def vcard_upload(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Step 1 and 2: choose a file; see what importing it would do."""
    account = _editable_account(request, pk)
    user = request.user
    if request.method == "POST" and "ticket" in request.POST:
        return _confirm(request, pk)
    form = VCardUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            preview = vcard_preview(actor=user, account_id=account.pk, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            ticket = pending_upload_store(actor=user, account_id=account.pk, data=data)  # type: ignore[arg-type]
            return render(
                request,
                "stakeholders/import_preview.html",
                {
                    "account": account,
                    "preview": preview,
                    "errors": [(e, describe_error(e)) for e in preview.errors],
                    "confirm_form": VCardConfirmForm(initial={"ticket": ticket}),
                    "filename": form.cleaned_data["file"].name,
                },
            )
    return render(request, "stakeholders/import.html", {"account": account, "form": form})


def _confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Step 3: import what the preview showed (the same file, parsed again)."""
    account = _editable_account(request, pk)
    user = request.user
    form = VCardConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This upload has expired; upload the file again."))
        return redirect("stakeholders:import", pk=account.pk)
    ticket = form.cleaned_data["ticket"]
    data = pending_upload_load(actor=user, account_id=account.pk, ticket=ticket)  # type: ignore[arg-type]
    try:
        result = vcard_import(
            actor=user,  # type: ignore[arg-type]
            account_id=account.pk,
            data=data,
            skip_malformed=form.cleaned_data["skip_malformed"],
        )
    except ValidationError as exc:
        for message in exc.messages[:20]:
            messages.error(request, message)
        messages.error(
            request,
            _(
                "Nothing was imported. Tick the box to import the good cards without the "
                "malformed ones, or correct the file and upload it again."
            ),
        )
        return redirect("stakeholders:import", pk=account.pk)
    pending_upload_discard(ticket=ticket)
    return render(
        request,
        "stakeholders/import_done.html",
        {
            "account": account,
            "result": result,
            "skipped": [describe_error(e) for e in result.skipped],
        },
    )
