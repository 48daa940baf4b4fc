"""Import pages: history, upload, mapping confirmation, dry run, live progress and report.

Thin: forms are bound here, everything else is a service or a selector. The import and the
dry run run in the background (django.tasks); the page polls the batch with htmx.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openkam.core.errors import DomainError, ForbiddenError
from openkam.core.forms import apply_validation_error
from openkam.imports import selectors, services
from openkam.imports.engine import Plan
from openkam.imports.fieldhelp import fields_help
from openkam.imports.forms import MappingForm, StartForm, UploadForm
from openkam.imports.mapping import describe
from openkam.imports.models import ImportBatch, ImportStatus
from openkam.imports.progress import progress_read
from openkam.imports.readers import FileProblem, delimiter_label, encoding_label
from openkam.imports.targets import Target, get_target
from openkam.imports.values import COMMA, date_format_label

SHOWN_ERRORS = 200


@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    targets = selectors.import_targets_for(user=request.user)
    if not targets:
        raise ForbiddenError(_("You may not import data."))
    paginator = Paginator(selectors.batches_visible_to(user=request.user), settings.KAM_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "imports/list.html",
        {"page_obj": page, "batches": page.object_list, "targets": targets, "querystring_base": ""},
    )


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    target = get_target(kind)
    selectors.import_require(user=request.user, kind=kind)
    form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
    if request.method == "POST" and form.is_valid():
        options = {"account": request.GET["account"]} if request.GET.get("account") else {}
        try:
            batch = services.batch_upload(
                actor=request.user, kind=kind, upload=form.cleaned_data["file"], options=options
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            profile_name = form.cleaned_data.get("profile")
            if profile_name:
                profile = selectors.profile_get(kind=kind, name=profile_name)
                plan = services.batch_configure(
                    actor=request.user,
                    batch=batch,
                    settings=services.profile_settings(profile),
                )
                if not plan.ok:
                    messages.warning(
                        request,
                        _("The saved mapping %(name)s does not fit this file; check the mapping.")
                        % {"name": profile_name},
                    )
            return redirect("imports:detail", batch_id=batch.pk)
    return render(
        request,
        "imports/upload.html",
        {"form": form, "target": target, "fields": fields_help(target.fields)},
    )


def _context(batch: ImportBatch, plan: Plan | None = None) -> dict[str, object]:
    target = get_target(batch.kind)
    mapping = batch.mapping or {}
    columns = mapping.get("columns", {}) if mapping.get("confirmed") else {}
    return {
        "batch": batch,
        "target": target,
        "confirmed": bool(mapping.get("confirmed")),
        "mapping_rows": describe(columns, target.fields),
        "reading": _reading(mapping, target),
        "summary_lines": target.summary_lines(batch.summary) if batch.summary else [],
        "errors": batch.errors[:SHOWN_ERRORS],
        "more_errors": max(0, batch.error_count - SHOWN_ERRORS),
        "in_progress": batch.status
        in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING),
        "progress": progress_read(batch.pk),
        "start_form": StartForm(),
        "plan": plan,
    }


def _reading(mapping: dict[str, Any], target: Target) -> list[str]:
    """How the file was read, in the terms this kind of file needs (an account list is not
    read with a date format or a decimal style)."""
    parts = []
    if mapping.get("encoding"):
        parts.append(encoding_label(mapping["encoding"]))
    if mapping.get("delimiter"):
        parts.append(_("delimiter %(d)s") % {"d": delimiter_label(mapping["delimiter"])})
    if mapping.get("date_format") and target.reads_dates:
        parts.append(_("dates %(f)s") % {"f": date_format_label(mapping["date_format"])})
    if target.reads_numbers:
        parts.append(
            _("decimal comma") if mapping.get("decimal_style") == COMMA else _("decimal point")
        )
    return parts


@require_GET
def detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    context = _context(batch)
    if batch.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED) and batch.file:
        try:
            plan = services.batch_plan(batch=batch)
        except FileProblem as problem:
            messages.error(request, str(problem))
        else:
            context["plan"] = plan
            context["form"] = MappingForm(plan=plan)
    return render(request, "imports/detail.html", context)


@require_POST
def mapping(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    plan = services.batch_plan(batch=batch)
    form = MappingForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            new_plan = services.batch_configure(
                actor=request.user,
                batch=batch,
                settings=form.settings(),
                profile_name=form.cleaned_data.get("save_as") or "",
            )
        except (FileProblem, ValidationError) as problem:
            form.add_error(None, str(problem) if isinstance(problem, FileProblem) else problem)
        except DomainError as problem:
            messages.error(request, str(problem))
            return redirect("imports:detail", batch_id=batch.pk)
        else:
            if new_plan.ok:
                messages.success(request, _("Mapping confirmed. Check the file or import it."))
                return redirect("imports:detail", batch_id=batch.pk)
            for open_point in new_plan.problems:
                form.add_error(None, open_point.message)
            plan = new_plan
    batch.refresh_from_db()
    context = _context(batch, plan)
    context["form"] = form
    return render(request, "imports/detail.html", context, status=422)


@require_POST
def check(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    try:
        services.batch_check(actor=request.user, batch=batch)
    except DomainError as problem:
        messages.error(request, str(problem))
    return redirect("imports:detail", batch_id=batch.pk)


@require_POST
def start(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    form = StartForm(request.POST)
    accept = bool(form.is_valid() and form.cleaned_data["accept_skipping_errors"])
    if batch.status == ImportStatus.CHECKED and batch.error_count and not accept:
        messages.error(
            request,
            _(
                "The check found rows with errors: correct the file, or tick the box to skip "
                "those rows."
            ),
        )
        return redirect("imports:detail", batch_id=batch.pk)
    try:
        services.batch_start(actor=request.user, batch=batch, accept_skipping_errors=accept)
    except DomainError as problem:
        messages.error(request, str(problem))
    return redirect("imports:detail", batch_id=batch.pk)


@require_GET
def progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    context = _context(batch)
    response = render(request, "imports/_progress.html", context)
    if not context["in_progress"]:
        # Finished: reload the page, which shows the report in place of the progress bar.
        response["HX-Refresh"] = "true"
    return response


@require_GET
def errors_csv(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    response = HttpResponse(
        services.errors_csv(batch.errors), content_type="text/csv; charset=utf-8"
    )
    stem = batch.file_name.rsplit(".", 1)[0] or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors.csv"'
    return response
