"""The suite runs on the database the environment names, and SQLite runs in WAL mode."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_that_database_url_names():
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_the_embedded_database_is_a_file_in_the_data_directory_in_wal_mode(tmp_path: Path):
    env = {**os.environ, "KAM_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "openkam", "migrate", "--noinput", "-v0"],
        env=env,
        check=True,
        timeout=300,
    )
    database = tmp_path / "openkam.sqlite3"
    assert database.exists()
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
