"""README.md is the newcomer's first page: the two set-up commands come first, then a table
with every setting OpenKAM reads from the environment, then an overview of the apps that
actually exist. A setting or app added without its README line fails here."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SOURCE = ROOT / "src" / "openkam"

# env_str("NAME", ...), env_int(\n    "NAME", ...) and the other typed readers of openkam.env.
_READ = re.compile(r"\benv_(?:str|bool|int|list|choice)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def variables_read() -> dict[str, str]:
    """Each environment variable read through the typed readers, with the file reading it."""
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "env.py":
            continue
        for name in _READ.findall(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def documented_variables() -> set[str]:
    """The names in the first column of the settings table (a cell may name several)."""
    names: set[str] = set()
    for line in section("Settings").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_reader_finds_the_settings_it_must_find():
    found = variables_read()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "EMAIL_BACKEND", "PORT"} <= set(found)
    assert found["EMAIL_BACKEND"] == "src/openkam/settings.py"  # spread over two lines there


def test_the_two_set_up_commands_come_first():
    first_heading = re.search(r"^## (.+)$", README, re.M)
    assert first_heading
    assert first_heading.group(1).startswith("Set-up")
    first_block = re.search(r"```\w*\n(.*?)```", README, re.S)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert [command for command in commands if command] == ["make demo", "make test"]
    assert README.index("make demo") < README.index("## Settings")


def test_every_setting_read_from_the_environment_has_a_row_in_the_settings_table():
    missing = {
        name: path for name, path in variables_read().items() if name not in documented_variables()
    }
    assert not missing, f"settings without a row in README.md's settings table: {missing}"


def test_every_row_of_the_settings_table_is_a_setting_that_is_read():
    # `DATABASE_URL_FILE`-style variants are described in the text, not as rows.
    stale = documented_variables() - set(variables_read())
    assert not stale, f"README.md documents settings nobody reads: {sorted(stale)}"


def test_every_row_gives_a_default_and_a_meaning():
    for line in section("Settings").splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            assert len(cells) == 3, line
            assert all(cells), f"empty cell in: {line}"


def test_the_architecture_overview_names_each_openkam_app():
    overview = section("Architecture")
    ours = sorted(
        config.name.removeprefix("openkam.")
        for config in apps.get_app_configs()
        if config.name.startswith("openkam.")
    )
    missing = [name for name in ours if f"`{name}`" not in overview]
    assert not missing, f"apps missing from README.md's architecture overview: {missing}"
