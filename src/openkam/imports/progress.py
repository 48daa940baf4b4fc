"""Live progress of a running import, shared between the worker and the web pages.

The import runs in one long transaction, so progress written to the database would stay
invisible until the end (and on SQLite a second writer would have to wait for the import).
The worker therefore writes a small JSON file next to the uploads, which pages poll.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings


def progress_path(batch_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / "progress" / f"{batch_id}.json"


class ProgressWriter:
    """Writes at most a few times a second; rows/s measured from the first call."""

    def __init__(self, batch_id: int, *, phase: str) -> None:
        self.path = progress_path(batch_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.phase = phase
        self.started = time.monotonic()
        self.last = 0.0

    def __call__(self, rows: int, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.3 and fraction < 1:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        data = {
            "phase": self.phase,
            "rows": rows,
            "fraction": round(fraction, 4),
            "rows_per_second": int(rows / elapsed),
            "elapsed": round(elapsed, 1),
        }
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.path)  # readers never see half a file

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def progress_read(batch_id: int) -> dict[str, Any] | None:
    try:
        return json.loads(progress_path(batch_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
