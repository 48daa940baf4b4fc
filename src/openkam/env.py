"""Typed readers for settings taken from the environment.

Every reader fails loudly with the variable's name and the reason, so that a
typo in a deployment is caught at start-up instead of turning into a silent
default. A `NAME_FILE` variant is honoured for every string setting, so that
secrets can come from mounted files (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class EnvSettingError(Exception):
    """A setting in the environment has a value that cannot be used."""


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        if name in os.environ:
            raise EnvSettingError(f"Set {name} or {name}_FILE, not both.")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise EnvSettingError(
                f"{name}_FILE={file_name!r} cannot be read: {exc.strerror}."
            ) from exc
    return os.environ.get(name)


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvSettingError(
        f"{name}={value!r} is not a boolean; use one of: 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError as exc:
        raise EnvSettingError(f"{name}={value!r} is not a whole number.") from exc
    if minimum is not None and number < minimum:
        raise EnvSettingError(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str] | tuple[str, ...]) -> str:
    value = _raw(name)
    if value is None:
        return default
    if value not in choices:
        raise EnvSettingError(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value
