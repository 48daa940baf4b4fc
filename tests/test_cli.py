"""The `kam` command: installed as a console script, it is django-admin bound to OpenKAM's
settings (Django's own commands plus demo, serve and apitoken), and a production-like
environment passes Django's deployment checklist."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from tests.settings_process import clean_environment

KAM = Path(sys.executable).with_name("kam")


def kam(*args: str, data_dir: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KAM), *args],
        env=clean_environment(data_dir, **variables),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_kam_is_an_installed_console_script_pointing_at_openkams_entry_point():
    (script,) = entry_points(group="console_scripts", name="kam")
    assert script.value == "openkam.cli:main"
    assert KAM.exists()
    assert os.access(KAM, os.X_OK)


def test_kam_lists_djangos_commands_and_openkams_own(tmp_path: Path):
    done = kam("help", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    commands = set(re.findall(r"^\s{4}(\w+)$", done.stdout, re.M))
    assert {"migrate", "createsuperuser", "changepassword", "makemigrations"} <= commands
    assert {"demo", "serve", "apitoken", "db_worker"} <= commands


def test_kam_uses_openkams_settings_without_being_told(tmp_path: Path):
    done = kam("diffsettings", "--output", "unified", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "+ AUTH_USER_MODEL = 'users.User'" in done.stdout
    assert "+ ROOT_URLCONF = 'openkam.urls'" in done.stdout


def test_python_dash_m_openkam_is_the_same_command(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "openkam", "check"],
        env=clean_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kam.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://kam.example.com",
    "KAM_BEHIND_PROXY": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.com",
}


def _issues(output: str) -> set[str]:
    return set(re.findall(r"\((\w+\.\w+)\)", output))


def test_check_deploy_with_a_production_environment_leaves_only_the_preload_choice(
    tmp_path: Path,
):
    done = kam("check", "--deploy", "--fail-level", "WARNING", data_dir=tmp_path, **PRODUCTION)
    # HSTS preloading is an irreversible choice for the operator's domain, not a default.
    assert _issues(done.stdout + done.stderr) == {"security.W021"}


def test_check_deploy_passes_with_the_generated_secret_key(tmp_path: Path):
    variables = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    done = kam("check", "--deploy", data_dir=tmp_path, **variables)
    assert done.returncode == 0, done.stderr
    assert _issues(done.stdout + done.stderr) == {"security.W021"}


def test_check_deploy_refuses_to_bless_a_setup_that_cannot_send_mail(tmp_path: Path):
    variables = {k: v for k, v in PRODUCTION.items() if not k.startswith("EMAIL")}
    done = kam("check", "--deploy", data_dir=tmp_path, **variables)
    assert done.returncode == 1
    assert "mail.E001" in done.stderr


def test_check_deploy_in_debug_flags_the_insecure_settings(tmp_path: Path):
    done = kam("check", "--deploy", "--fail-level", "CRITICAL", data_dir=tmp_path, DEBUG="true")
    assert {"security.W018", "security.W004", "security.W008"} <= _issues(done.stderr)


def test_serve_help_shows_the_port_host_and_workers_options(tmp_path: Path):
    done = kam("serve", "--help", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    for option in ("--port", "--host", "--workers", "--no-collectstatic"):
        assert option in done.stdout
    assert "gunicorn" in done.stdout


def test_serve_refuses_a_port_that_is_not_a_tcp_port(tmp_path: Path):
    done = kam("serve", "--port", "70000", "--no-collectstatic", data_dir=tmp_path)
    assert done.returncode == 1
    assert "--port 70000 is not a TCP port (1-65535)." in done.stderr


def test_the_port_defaults_to_the_port_variable(tmp_path: Path):
    done = kam("serve", "--port", "0", data_dir=tmp_path, PORT="8123")
    assert "--port 0 is not a TCP port" in done.stderr
    bad = kam("serve", "--help", data_dir=tmp_path, PORT="eighty")
    assert "PORT='eighty' is not a whole number." in bad.stderr


def test_createsuperuser_makes_an_administrator_without_client_data(tmp_path: Path):
    assert kam("migrate", "--noinput", "-v0", data_dir=tmp_path).returncode == 0
    made = kam(
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "root@example.com",
        data_dir=tmp_path,
        DJANGO_SUPERUSER_PASSWORD="a-long-admin-passphrase",
    )
    assert made.returncode == 0, made.stderr
    shown = kam(
        "shell",
        "-c",
        "from openkam.users.models import User; u = User.objects.get(username='root'); "
        "print(u.role, u.password.split('$')[0])",
        data_dir=tmp_path,
    )
    assert shown.stdout.splitlines()[-1].split() == ["admin", "argon2"]
    token = kam("apitoken", "root", data_dir=tmp_path)
    assert token.returncode == 0
    assert token.stdout.startswith("kam_")
