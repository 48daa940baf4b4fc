"""Settings come from the environment through typed readers: a bad value stops the start with
a message naming the variable and the reason; secrets may come from files (`NAME_FILE`); the
secret key is generated once per data directory and kept private; nothing insecure is on by
default; SQLite runs in WAL mode with a busy timeout; DATABASE_URL selects PostgreSQL."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.settings_process import clean_environment, load_settings

# --- Bad values are refused with a clear message -------------------------------------------


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"DEBUG": "maybe"},
            "DEBUG='maybe' is not a boolean; use one of: 1/0, true/false, yes/no, on/off.",
        ),
        ({"KAM_HTTPS": "sometimes"}, "KAM_HTTPS='sometimes' is not a boolean"),
        ({"KAM_PAGE_SIZE": "abc"}, "KAM_PAGE_SIZE='abc' is not a whole number."),
        ({"KAM_PAGE_SIZE": "2"}, "KAM_PAGE_SIZE=2 is below the minimum of 5."),
        ({"KAM_LOGIN_MAX_FAILURES": "0"}, "KAM_LOGIN_MAX_FAILURES=0 is below the minimum of 1."),
        (
            {"KAM_SQLITE_BUSY_TIMEOUT": "1.5"},
            "KAM_SQLITE_BUSY_TIMEOUT='1.5' is not a whole number.",
        ),
        (
            {"DATABASE_URL": "mysql://kam:secret@db.example/openkam"},
            "DATABASE_URL: the scheme 'mysql' is not supported; OpenKAM runs on PostgreSQL",
        ),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL cannot be parsed"),
        (
            {"KAM_REPORTING_CURRENCY": "EURO"},
            "KAM_REPORTING_CURRENCY='EURO' is not a three-letter ISO 4217 code.",
        ),
        ({"KAM_REPORTING_CURRENCY": "E1R"}, "is not a three-letter ISO 4217 code."),
        ({"LANGUAGE_CODE": "de"}, "LANGUAGE_CODE='de' is not one of: en, nb, sv, hu, bg, ru."),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE='Mars/Olympus' is not a known time zone."),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters long."),
        ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND='smtp' is not one of:"),
        (
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_USE_TLS": "true",
                "EMAIL_USE_SSL": "true",
            },
            "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.",
        ),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_PORT": "x"},
            "EMAIL_PORT='x' is not a whole number.",
        ),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_a_bad_value_stops_the_start_with_the_variable_and_the_reason(
    variables, message, tmp_path: Path
):
    loaded = load_settings(tmp_path, ["DEBUG"], **variables)
    assert loaded.returncode != 0
    assert loaded.error.startswith("openkam.env.EnvSettingError: ")
    assert message in loaded.error


def test_an_error_message_never_shows_the_database_password(tmp_path: Path):
    loaded = load_settings(
        tmp_path, ["DEBUG"], DATABASE_URL="mysql://kam:VerySecret123@db.example/openkam"
    )
    assert "VerySecret123" not in loaded.stderr


def test_the_kam_command_reports_a_bad_setting_in_one_line_without_a_traceback(tmp_path: Path):
    done = subprocess.run(
        [str(Path(sys.executable).with_name("kam")), "check"],
        env=clean_environment(tmp_path, DEBUG="maybe"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "OpenKAM cannot start, a setting is wrong: DEBUG='maybe' is not a boolean; "
        "use one of: 1/0, true/false, yes/no, on/off."
    )


@pytest.mark.parametrize("word", ["1", "true", "YES", "on", " True "])
def test_boolean_words_are_understood(word, tmp_path: Path):
    assert load_settings(tmp_path, ["DEBUG"], DEBUG=word).values["DEBUG"] is True


def test_lists_are_comma_separated_and_trimmed(tmp_path: Path):
    loaded = load_settings(
        tmp_path,
        ["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"],
        ALLOWED_HOSTS=" kam.example.com, ,10.0.0.5 ",
        CSRF_TRUSTED_ORIGINS="https://kam.example.com",
    )
    assert loaded.values == {
        "ALLOWED_HOSTS": ["kam.example.com", "10.0.0.5"],
        "CSRF_TRUSTED_ORIGINS": ["https://kam.example.com"],
    }


# --- Secrets from files --------------------------------------------------------------------


def test_the_secret_key_can_come_from_a_file(tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("k" * 40 + "\n")  # the trailing newline of a mounted secret is dropped
    loaded = load_settings(tmp_path / "data", ["SECRET_KEY"], SECRET_KEY_FILE=str(secret))
    assert loaded.values["SECRET_KEY"] == "k" * 40
    assert not (tmp_path / "data" / "secret_key").exists()  # nothing generated


def test_the_smtp_password_can_come_from_a_file(tmp_path: Path):
    password = tmp_path / "smtp-password"
    password.write_text("mail-secret")
    loaded = load_settings(
        tmp_path / "data",
        ["MAILERS"],
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="openkam",
        EMAIL_HOST_PASSWORD_FILE=str(password),
        EMAIL_USE_TLS="true",
    )
    options = loaded.values["MAILERS"]["default"]["OPTIONS"]
    assert options == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "openkam",
        "password": "mail-secret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 30,
    }


def test_the_database_url_can_come_from_a_file(tmp_path: Path):
    url = tmp_path / "database-url"
    url.write_text("postgres://kam:s3cret@db.example:5433/openkam\n")
    loaded = load_settings(tmp_path / "data", ["DATABASES"], DATABASE_URL_FILE=str(url))
    database = loaded.values["DATABASES"]["default"]
    assert (database["HOST"], database["PORT"], database["PASSWORD"]) == (
        "db.example",
        5433,
        "s3cret",
    )


def test_a_variable_and_its_file_variant_together_are_refused(tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("k" * 40)
    loaded = load_settings(
        tmp_path / "data", ["SECRET_KEY"], SECRET_KEY="s" * 40, SECRET_KEY_FILE=str(secret)
    )
    assert "Set SECRET_KEY or SECRET_KEY_FILE, not both." in loaded.error


def test_a_file_that_cannot_be_read_is_named_in_the_error(tmp_path: Path):
    missing = tmp_path / "nowhere" / "secret"
    loaded = load_settings(tmp_path / "data", ["SECRET_KEY"], SECRET_KEY_FILE=str(missing))
    assert f"SECRET_KEY_FILE={str(missing)!r} cannot be read: No such file or directory." in (
        loaded.error
    )


# --- The generated secret key --------------------------------------------------------------


def test_without_secret_key_one_is_generated_once_into_the_data_directory_private(
    tmp_path: Path,
):
    first = load_settings(tmp_path, ["SECRET_KEY"]).values["SECRET_KEY"]
    second = load_settings(tmp_path, ["SECRET_KEY"]).values["SECRET_KEY"]

    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_each_data_directory_gets_its_own_random_key(tmp_path: Path):
    one = load_settings(tmp_path / "one", ["SECRET_KEY"]).values["SECRET_KEY"]
    two = load_settings(tmp_path / "two", ["SECRET_KEY"]).values["SECRET_KEY"]
    assert one != two


def test_the_settings_module_contains_no_literal_secret_key():
    source = (Path(__file__).parents[1] / "src/openkam/settings.py").read_text()
    assert "django-insecure" not in source
    assert 'SECRET_KEY = "' not in source
    assert "SECRET_KEY = '" not in source


# --- Safe defaults -------------------------------------------------------------------------


def test_the_defaults_are_safe_for_production(tmp_path: Path):
    loaded = load_settings(
        tmp_path,
        [
            "DEBUG",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "X_FRAME_OPTIONS",
            "LANGUAGE_CODE",
            "TIME_ZONE",
            "DATA_DIR",
        ],
    )
    values = loaded.values
    assert values["DEBUG"] is False
    assert "*" not in values["ALLOWED_HOSTS"]
    assert set(values["ALLOWED_HOSTS"]) == {"127.0.0.1", "localhost", "[::1]"}
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert (values["LANGUAGE_CODE"], values["TIME_ZONE"]) == ("en", "Europe/Oslo")
    assert values["DATA_DIR"] == str(tmp_path)


def test_the_data_directory_defaults_to_var_and_is_created(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-c", "import openkam.settings as s; print(s.DATA_DIR)"],
        env={k: v for k, v in clean_environment(tmp_path).items() if k != "KAM_DATA_DIR"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == str(tmp_path / "var")
    assert (tmp_path / "var").is_dir()


def test_the_main_settings_follow_the_environment(tmp_path: Path):
    loaded = load_settings(
        tmp_path,
        ["DEBUG", "TIME_ZONE", "LANGUAGE_CODE", "KAM_PAGE_SIZE", "DEFAULT_FROM_EMAIL"],
        DEBUG="true",
        TIME_ZONE="Europe/Budapest",
        LANGUAGE_CODE="hu",
        KAM_PAGE_SIZE="50",
        DEFAULT_FROM_EMAIL="KAM <kam@example.com>",
    )
    assert loaded.values == {
        "DEBUG": True,
        "TIME_ZONE": "Europe/Budapest",
        "LANGUAGE_CODE": "hu",
        "KAM_PAGE_SIZE": 50,
        "DEFAULT_FROM_EMAIL": "KAM <kam@example.com>",
    }


# --- Databases -----------------------------------------------------------------------------


def test_sqlite_is_the_default_with_wal_and_a_busy_timeout(tmp_path: Path):
    database = load_settings(tmp_path, ["DATABASES"]).values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "openkam.sqlite3")
    assert "PRAGMA journal_mode=WAL" in database["OPTIONS"]["init_command"]
    assert database["OPTIONS"]["timeout"] == 20
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


_PRAGMAS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    values = {}
    for pragma in ("journal_mode", "busy_timeout", "foreign_keys"):
        cursor.execute(f"PRAGMA {pragma}")
        values[pragma] = cursor.fetchone()[0]
print(json.dumps(values))
"""


@pytest.mark.parametrize(("seconds", "expected_ms"), [(None, 20000), ("5", 5000)])
def test_a_sqlite_connection_runs_in_wal_mode_with_the_busy_timeout(
    seconds, expected_ms, tmp_path: Path
):
    variables = {"DJANGO_SETTINGS_MODULE": "openkam.settings"}
    if seconds:
        variables["KAM_SQLITE_BUSY_TIMEOUT"] = seconds
    done = subprocess.run(
        [sys.executable, "-c", _PRAGMAS],
        env=clean_environment(tmp_path, **variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == {
        "journal_mode": "wal",
        "busy_timeout": expected_ms,
        "foreign_keys": 1,
    }


def test_a_sqlite_database_url_keeps_wal_and_the_busy_timeout(tmp_path: Path):
    loaded = load_settings(
        tmp_path, ["DATABASES"], DATABASE_URL=f"sqlite:///{tmp_path}/elsewhere.sqlite3"
    )
    database = loaded.values["DATABASES"]["default"]
    assert database["NAME"] == f"{tmp_path}/elsewhere.sqlite3"
    assert "PRAGMA journal_mode=WAL" in database["OPTIONS"]["init_command"]


def test_a_postgres_url_is_parsed_into_every_connection_setting(tmp_path: Path):
    loaded = load_settings(
        tmp_path,
        ["DATABASES"],
        DATABASE_URL="postgres://kam:p%40ss@db.example.com:6543/openkam?sslmode=require",
    )
    database = loaded.values["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "openkam",
        "kam",
        "p@ss",
    )
    assert (database["HOST"], database["PORT"]) == ("db.example.com", 6543)
    assert database["OPTIONS"] == {"sslmode": "require"}
    # Connections are kept for a minute and checked before reuse (survives a DB restart).
    assert (database["CONN_MAX_AGE"], database["CONN_HEALTH_CHECKS"]) == (60, True)


@pytest.mark.parametrize("scheme", ["postgresql", "pgsql"])
def test_the_other_postgres_schemes_are_accepted(scheme, tmp_path: Path):
    loaded = load_settings(tmp_path, ["DATABASES"], DATABASE_URL=f"{scheme}://db/openkam")
    assert loaded.values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.postgresql"
