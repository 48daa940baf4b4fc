"""Background work of imports: the dry run and the import of an uploaded file."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task
from django.utils import translation

from openkam.imports.models import ImportBatch
from openkam.imports.services import batch_execute


@task()
def run_import_batch(batch_id: int, dry_run: bool) -> str:
    # Row errors, notes and failures are stored as text: write them in the language of the
    # person who imports (the worker has no request to take it from).
    language = (
        ImportBatch.objects.filter(pk=batch_id)
        .values_list("created_by__language", flat=True)
        .first()
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        batch = batch_execute(batch_id=batch_id, dry_run=dry_run)
    return batch.status if batch is not None else "skipped"
