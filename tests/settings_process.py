"""Load OpenKAM's settings in a fresh Python process with a chosen environment, as a deployment
would start, and read back the values (or the error) it ends with."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Variables of the surrounding shell that must not leak into a settings check.
_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")

_PROBE = """
import json, sys
import openkam.settings as s
names = json.loads(sys.argv[1])
print(json.dumps({name: getattr(s, name, None) for name in names}, default=str))
"""


@dataclass
class Loaded:
    returncode: int
    values: dict[str, Any]
    stderr: str

    @property
    def error(self) -> str:
        """The last line of the traceback: the exception and its message."""
        lines = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""


def clean_environment(data_dir: Path, **variables: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in _KEEP if name in os.environ}
    env["KAM_DATA_DIR"] = str(data_dir)
    env.update(variables)
    return env


def load_settings(data_dir: Path, names: list[str], **variables: str) -> Loaded:
    """Import openkam.settings with only `variables` (plus KAM_DATA_DIR) in the environment."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(names)],
        env=clean_environment(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    values = json.loads(done.stdout) if done.returncode == 0 else {}
    return Loaded(done.returncode, values, done.stderr)
