"""Storing an interaction's attachments: how many and how large files may be, and writing
them with their rows and audit entries so that a failure half-way leaves no file behind."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from openkam.activity.files import content_type_for, max_upload_bytes, sanitise_filename
from openkam.activity.models import Attachment, Interaction
from openkam.core.audit import audit_record, diff, snapshot
from openkam.core.models import AuditAction
from openkam.users.models import User

MAX_FILES_PER_UPLOAD = 20


def check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ValidationError(
            {"files": _("Attach at most %(n)s files at a time.") % {"n": MAX_FILES_PER_UPLOAD}}
        )
    limit = max_upload_bytes()
    problems = []
    for upload in files:
        name = sanitise_filename(upload.name or "")
        size = upload.size or 0
        if size > limit:
            problems.append(
                _("%(name)s is %(size).1f MB; files can be at most %(max)s MB.")
                % {"name": name, "size": size / 1024 / 1024, "max": limit // (1024 * 1024)}
            )
        elif size == 0:
            problems.append(_("%(name)s is empty.") % {"name": name})
    if problems:
        raise ValidationError({"files": problems})


def store_files(
    *, actor: User, interaction: Interaction, files: Sequence[UploadedFile]
) -> list[Attachment]:
    """Write the files and their rows; if anything fails half-way, remove what was written."""
    saved: list[Attachment] = []
    try:
        for upload in files:
            name = sanitise_filename(upload.name or "")
            attachment = Attachment(
                interaction=interaction,
                original_name=name,
                size=upload.size or 0,
                content_type=content_type_for(name),
                uploaded_by=actor,
            )
            attachment.file.save(name, upload, save=False)
            saved.append(attachment)
            attachment.full_clean()
            attachment.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                target=attachment,
                root=interaction.account,
                changes=diff({}, snapshot(attachment, ("original_name", "size", "interaction"))),
            )
    except BaseException:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return saved
