"""Rules for uploaded files: the name a user sees, the type a browser is told, the size limit.

Nothing here trusts the client: the stored path is random (models.attachment_path), the name
is cleaned before it is kept, and the served content type is derived from the cleaned name.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata

from django.conf import settings

MAX_NAME_LENGTH = 200
FALLBACK_NAME = "attachment"
# Characters that are path separators or reserved on common file systems.
_RESERVED = re.compile(r'[<>:"/\\|?*]')
# Control and format characters (incl. right-to-left overrides used to disguise extensions).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
# Types a browser could render or run if it ignored the download disposition: served as bytes.
_ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "text/css",
}


def max_upload_bytes() -> int:
    return int(settings.KAM_ATTACHMENT_MAX_MB) * 1024 * 1024


def sanitise_filename(name: str) -> str:
    """The user's file name, kept readable (any script, spaces, accents) but safe to store and
    to send back: no directories, no control or direction characters, no reserved characters,
    no leading dots, at most MAX_NAME_LENGTH characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    # Browsers on Windows send full paths; keep the last component whichever the separator.
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if unicodedata.category(ch) in ("Zs",) else ch
        for ch in name
        if unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
    )
    name = _RESERVED.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip()
    name = name.lstrip(".").strip().rstrip(". ")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.upper() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    if len(ext) > 20 or not ext.strip():
        stem, ext = (f"{stem}.{ext}" if ext else stem), ""
    if ext:
        stem = stem[: max(1, MAX_NAME_LENGTH - len(ext) - 1)]
        name = f"{stem}.{ext}" if stem else f"{FALLBACK_NAME}.{ext}"
    else:
        name = stem[:MAX_NAME_LENGTH]
    return name or FALLBACK_NAME


def content_type_for(name: str) -> str:
    """The type to store and serve, from the (clean) name; never what the client claimed."""
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if not guessed or encoding:
        return "application/octet-stream"
    return guessed


def served_content_type(content_type: str) -> str:
    if content_type.split(";")[0].strip().lower() in _ACTIVE_TYPES:
        return "application/octet-stream"
    return content_type or "application/octet-stream"
