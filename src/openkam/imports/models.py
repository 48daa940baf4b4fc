"""Imports of client data from files: one `ImportBatch` per uploaded or command-line file,
and named `MappingProfile`s that remember how a given export's columns map to our fields.

The engine (`openkam.imports.engine`) is generic; what a kind of import writes (revenue lines
today, accounts and stakeholders later) is a target registered in `openkam.imports.targets`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openkam.core.models import TimeStampedModel


class ImportKind(models.TextChoices):
    ORDERS = "orders", _("Revenue (order or invoice lines)")
    ACCOUNTS = "accounts", _("Accounts")
    STAKEHOLDERS = "stakeholders", _("People (stakeholders)")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, mapping to confirm")
    CHECKING = "checking", _("Checking (dry run)")
    CHECKED = "checked", _("Checked, ready to import")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Refused, nothing written")


# Statuses after which a batch never changes again.
FINAL_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class DecimalStyle(models.TextChoices):
    AUTO = "", _("Detect from the file")
    POINT = "point", _("Decimal point: 1,234.56")
    COMMA = "comma", _("Decimal comma: 1.234,56 or 1 234,56")


class MappingProfile(TimeStampedModel):
    """How one export's columns map to our fields, saved under a name for the next file."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    # Header text (as in the file) -> field name of the target; unmapped columns are absent.
    columns = models.JSONField(_("column mapping"), default=dict, blank=True)
    date_format = models.CharField(
        _("date format"),
        max_length=40,
        blank=True,
        help_text=_("strftime pattern such as %d.%m.%Y; empty to detect it from the file."),
    )
    decimal_style = models.CharField(
        _("decimal style"), max_length=10, choices=DecimalStyle.choices, blank=True
    )
    encoding = models.CharField(_("encoding"), max_length=30, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=5, blank=True)
    # Target-specific options such as the source name and the default currency.
    options = models.JSONField(_("options"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("mapping profile")
        verbose_name_plural = _("mapping profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name"],
                name="mapping_profile_unique_name",
                violation_error_message=_("A mapping with this name exists already."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportBatch(TimeStampedModel):
    """One import of one file: its settings, its progress, and the report of what it did."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        default="erp",
        help_text=_("Name of the system the file comes from; lines are identified within it."),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_size = models.BigIntegerField(_("file size"), default=0)
    # The settings the import ran with: columns (header -> field), date_format, decimal_style,
    # encoding, delimiter and target options. Kept so that a report says how the file was read.
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    profile = models.ForeignKey(
        MappingProfile,
        verbose_name=_("mapping profile"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="batches",
    )
    accept_skipping_errors = models.BooleanField(_("skip rows with errors"), default=False)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Target-specific figures (documents new/replaced, customers, net revenue per currency...).
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    # Row errors as [row, column, value, reason]; capped (see engine.MAX_STORED_ERRORS).
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    errors_truncated = models.BooleanField(default=False)
    # A reason that refuses the whole file (unreadable, missing column...), for the user.
    failure = models.TextField(_("reason for refusal"), blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
