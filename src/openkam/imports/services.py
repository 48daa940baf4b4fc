"""Import batches from upload to report, and saved mapping profiles.

A web import goes: upload (the header is read at once) -> mapping confirmed (and optionally
saved as a profile) -> dry run in the background -> import in the background. The command
line runs the same engine in the foreground. Every outcome, refused or imported, is kept on
the batch with its report.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from openkam.core.audit import audit_record
from openkam.core.errors import DomainError
from openkam.core.models import AuditAction
from openkam.imports.engine import (
    ImportResult,
    ImportSettings,
    Plan,
    RowError,
    plan_import,
    run_import,
)
from openkam.imports.models import ImportBatch, ImportStatus, MappingProfile
from openkam.imports.progress import ProgressWriter
from openkam.imports.readers import FileProblem
from openkam.imports.selectors import import_require
from openkam.imports.targets import get_target

logger = logging.getLogger(__name__)


# --- profiles ------------------------------------------------------------------------------


@transaction.atomic
def profile_save(*, actor: Any, kind: str, name: str, plan: Plan) -> MappingProfile:
    """Save (or overwrite) the named mapping with the plan's settings."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name.")})
    settings = plan.settings()
    profile, created = MappingProfile.objects.select_for_update().get_or_create(
        kind=kind, name=name, defaults={"created_by": actor if getattr(actor, "pk", None) else None}
    )
    profile.columns = settings.columns
    profile.date_format = settings.date_format
    profile.decimal_style = settings.decimal_style
    profile.encoding = settings.encoding
    profile.delimiter = settings.delimiter
    profile.options = settings.options
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        target=profile,
        changes={"columns": {"label": "columns", "old": "", "new": str(settings.columns)}},
    )
    return profile


def profile_settings(profile: MappingProfile) -> ImportSettings:
    return ImportSettings(
        columns=dict(profile.columns),
        date_format=profile.date_format,
        decimal_style=profile.decimal_style,
        encoding=profile.encoding,
        delimiter=profile.delimiter,
        options=dict(profile.options),
        confirmed=True,
    )


@transaction.atomic
def profile_delete(*, actor: Any, profile: MappingProfile) -> None:
    import_require(user=actor, kind=profile.kind)
    audit_record(actor=actor, action=AuditAction.DELETE, target=profile, changes={})
    profile.delete()


# --- batches -------------------------------------------------------------------------------


def _audit_batch(actor: Any, batch: ImportBatch, action: AuditAction) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=batch,
        changes={
            "status": {"label": "status", "old": "", "new": batch.get_status_display()},
            "rows": {"label": "rows imported", "old": "", "new": str(batch.rows_imported)},
        },
    )


@transaction.atomic
def batch_upload(
    *, actor: Any, kind: str, upload: UploadedFile, options: dict[str, str] | None = None
) -> ImportBatch:
    """Keep an uploaded file and read its header; the mapping comes next."""
    target = get_target(kind)
    import_require(user=actor, kind=kind)
    name = Path(upload.name or "upload").name
    limit = int(settings.KAM_IMPORT_MAX_MB)
    if (upload.size or 0) > limit * 1024 * 1024:
        raise ValidationError(
            {
                "file": _("%(name)s is %(size).1f MB; an import takes files of at most %(max)s MB.")
                % {"name": name, "size": (upload.size or 0) / 1024 / 1024, "max": limit}
            }
        )
    batch = ImportBatch(
        kind=target.kind,
        status=ImportStatus.UPLOADED,
        file_name=name[:255],
        file_size=upload.size or 0,
        created_by=actor,
    )
    batch.file.save(get_valid_filename(name) or "upload", upload, save=False)
    try:
        plan = plan_import(
            batch.file.path, target, ImportSettings(options=dict(options or {})), actor=actor
        )
    except FileProblem as problem:
        batch.file.delete(save=False)
        raise ValidationError({"file": str(problem)}) from None
    batch.mapping = {**plan.settings().as_json(), "confirmed": False}
    batch.source = plan.options.get("source", batch.source)
    batch.full_clean()
    batch.save()
    _audit_batch(actor, batch, AuditAction.CREATE)
    return batch


def batch_settings(batch: ImportBatch) -> ImportSettings:
    return ImportSettings.from_json(batch.mapping or {})


def batch_plan(*, batch: ImportBatch, settings: ImportSettings | None = None) -> Plan:
    if not batch.file:
        raise DomainError(_("This import was run from the command line; its file is not kept."))
    return plan_import(
        batch.file.path,
        get_target(batch.kind),
        settings or batch_settings(batch),
        actor=batch.created_by,
    )


@transaction.atomic
def batch_configure(
    *, actor: Any, batch: ImportBatch, settings: ImportSettings, profile_name: str = ""
) -> Plan:
    """Confirm a mapping for an uploaded file. The plan's problems say what is still open;
    a complete mapping is stored on the batch (and saved as a profile if named)."""
    import_require(user=actor, kind=batch.kind)
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise DomainError(_("This import has started; its mapping can no longer change."))
    plan = batch_plan(batch=batch, settings=settings)
    if plan.ok:
        batch.mapping = plan.settings().as_json()
        batch.source = plan.options.get("source", batch.source)
        batch.status = ImportStatus.UPLOADED
        batch.error_count = 0
        batch.errors = []
        batch.summary = {}
        batch.failure = ""
        if profile_name:
            batch.profile = profile_save(actor=actor, kind=batch.kind, name=profile_name, plan=plan)
        batch.full_clean()
        batch.save()
    return plan


def _enqueue(batch_id: int, *, dry_run: bool) -> None:
    from openkam.imports.tasks import run_import_batch

    transaction.on_commit(lambda: run_import_batch.enqueue(batch_id, dry_run))


@transaction.atomic
def batch_check(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Start a dry run: validate every row, count what would change, write nothing."""
    import_require(user=actor, kind=batch.kind)
    if not batch.mapping.get("confirmed"):
        raise DomainError(_("Confirm the mapping first."))
    updated = ImportBatch.objects.filter(
        pk=batch.pk, status__in=(ImportStatus.UPLOADED, ImportStatus.CHECKED)
    ).update(status=ImportStatus.CHECKING, progress=0, updated_at=timezone.now())
    if not updated:
        raise DomainError(_("This import is already running or finished."))
    _enqueue(batch.pk, dry_run=True)
    batch.refresh_from_db()
    return batch


@transaction.atomic
def batch_start(*, actor: Any, batch: ImportBatch, accept_skipping_errors: bool) -> ImportBatch:
    import_require(user=actor, kind=batch.kind)
    if not batch.mapping.get("confirmed"):
        raise DomainError(_("Confirm the mapping first."))
    updated = ImportBatch.objects.filter(
        pk=batch.pk, status__in=(ImportStatus.UPLOADED, ImportStatus.CHECKED)
    ).update(
        status=ImportStatus.QUEUED,
        accept_skipping_errors=accept_skipping_errors,
        progress=0,
        updated_at=timezone.now(),
    )
    if not updated:
        raise DomainError(_("This import is already running or finished."))
    batch.refresh_from_db()
    _audit_batch(actor, batch, AuditAction.UPDATE)
    _enqueue(batch.pk, dry_run=False)
    return batch


def batch_execute(*, batch_id: int, dry_run: bool) -> ImportBatch | None:
    """The background task: claim the batch, run the import, keep the report."""
    claimed_from = ImportStatus.CHECKING if dry_run else ImportStatus.QUEUED
    running = ImportStatus.CHECKING if dry_run else ImportStatus.RUNNING
    now = timezone.now()
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch_id, status=claimed_from).update(
            status=running, started_at=now, finished_at=None, updated_at=now
        )
    if not claimed:
        return None  # taken by another worker, or cancelled
    batch = ImportBatch.objects.get(pk=batch_id)
    progress = ProgressWriter(batch_id, phase="check" if dry_run else "import")
    try:
        plan = batch_plan(batch=batch)
        result = run_import(
            plan,
            batch_id=None if dry_run else batch.pk,
            dry_run=dry_run,
            accept_skipping_errors=batch.accept_skipping_errors,
            progress=progress,
        )
    except (FileProblem, DomainError) as problem:
        result = ImportResult(dry_run=dry_run, refused=True, failure=str(problem))
    except Exception as exc:  # the report must say something even for a bug
        logger.exception("Import %s failed", batch_id)
        result = ImportResult(
            dry_run=dry_run,
            refused=True,
            failure=_("The import stopped on an unexpected error: %(error)s") % {"error": exc},
        )
    finally:
        progress.clear()
    return batch_record(batch=batch, result=result)


@transaction.atomic
def batch_record(*, batch: ImportBatch, result: ImportResult) -> ImportBatch:
    """Keep a run's outcome on its batch (a dry run leaves the batch ready to import)."""
    batch.rows_read = result.rows_read
    batch.rows_imported = result.rows_imported
    batch.rows_skipped = result.rows_skipped
    batch.error_count = result.error_count
    batch.errors = [error.as_list() for error in result.errors]
    batch.errors_truncated = result.errors_truncated
    batch.summary = {
        **result.summary,
        "blank_rows": result.blank_rows,
        "seconds": round(result.seconds, 2),
    }
    batch.failure = result.failure
    batch.dry_run = result.dry_run
    batch.progress = 100
    batch.finished_at = timezone.now()
    if result.dry_run and not result.failure:
        batch.status = ImportStatus.CHECKED
    elif result.ok:
        batch.status = ImportStatus.SUCCEEDED
    else:
        batch.status = ImportStatus.FAILED
    batch.save()
    if not result.dry_run:
        _audit_batch(batch.created_by, batch, AuditAction.UPDATE)
    return batch


def batch_create_for_file(
    *, actor: Any, kind: str, path: Path, settings: ImportSettings
) -> ImportBatch:
    """A batch for a command-line import (the file stays where it is, it is not copied)."""
    batch = ImportBatch.objects.create(
        kind=kind,
        status=ImportStatus.RUNNING,
        source=settings.options.get("source") or "erp",
        file_name=path.name[:255],
        file_size=path.stat().st_size,
        mapping=settings.as_json(),
        created_by=actor if getattr(actor, "pk", None) else None,
        started_at=timezone.now(),
    )
    return batch


# --- reports -------------------------------------------------------------------------------

ERROR_HEADER = ("row", "column", "value", "reason")


def errors_csv(errors: Iterable[Iterable[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("row"), _("column"), _("value"), _("reason")])
    writer.writerows(list(error) for error in errors)
    return buffer.getvalue()


class ErrorFile:
    """Streams every row error of a run into a CSV file (the command's --errors FILE)."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([_("row"), _("column"), _("value"), _("reason")])

    def __call__(self, error: RowError) -> None:
        self.writer.writerow(error.as_list())

    def close(self) -> None:
        self.handle.close()
