"""End to end in a real browser: `kam migrate`, `kam demo` and `kam serve` in a fresh data
directory, then Debian's Chromium driven by Playwright signs in, creates an account, finds it
with the live search and opens it, without a single Content Security Policy violation.

Screenshots land in the test's tmp_path, and also in /tmp/kam-shots/ when KAM_SHOTS is set.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
KAM = Path(sys.executable).parent / "kam"
SHOTS = Path("/tmp/kam-shots")  # noqa: S108 (a place for people to look at, on request)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kam serve exited with {server.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"kam serve did not listen on port {port} within 90 s:\n{log.read_text()}")


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """The server's own database: a fresh PostgreSQL database when DATABASE_URL names a
    PostgreSQL server (never the test database), else SQLite in the data directory."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    name = f"openkam_browser_{secrets.token_hex(4)}"
    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server(tmp_path: Path, database_url: str | None) -> Iterator[str]:
    """`kam serve` on a free port with the demo portfolio loaded; yields its base URL."""
    env = {**os.environ, "KAM_DATA_DIR": str(tmp_path / "data"), "KAM_HTTPS": "false"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    for command in (["migrate", "--noinput", "-v0"], ["demo"]):
        subprocess.run([str(KAM), *command], env=env, check=True, timeout=600)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(KAM), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_port(port, process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_a_kam_creates_an_account_finds_it_with_the_live_search_and_opens_it(
    server: str, tmp_path: Path
):
    sync_api = pytest.importorskip("playwright.sync_api")
    console: list[str] = []
    shots: list[Path] = []
    # A letter no registration or VAT number holds, so the search can only find this account.
    name = f"Fjordlys Testkraft Q{secrets.token_hex(3).upper()}"

    def shot(page, label: str) -> None:
        path = tmp_path / f"{len(shots) + 1:02d}-{label}.png"
        # caret="initial": hiding the caret would inject inline styles, which the page's own
        # Content Security Policy rightly refuses once htmx swaps those elements.
        page.screenshot(path=str(path), full_page=True, caret="initial")
        shots.append(path)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
            page.on("pageerror", lambda error: console.append(f"page error: {error}"))
            expect = sync_api.expect

            # Sign in.
            page.goto(f"{server}/login/")
            shot(page, "login")
            page.fill("#id_username", "kam1")
            page.fill("#id_password", "openkam-kam1")
            page.click("button[type=submit]:has-text('Sign in')")
            page.wait_for_url(f"{server}/")
            # kam1 reads OpenKAM in Norwegian (their profile language), whatever the browser asks.
            expect(page.locator("h1")).to_contain_text("Hyggelig å se deg")
            shot(page, "overview")

            # Create an account through the form; inline validation runs on each change.
            page.goto(f"{server}/accounts/new/")
            page.fill("#id_website", "not a website")
            page.locator("#id_name").focus()  # leaving the field fires its validation
            website_errors = page.locator("#field-website .errors")
            expect(website_errors).to_contain_text("Oppgi en gyldig nettadresse")
            page.fill("#id_name", name)
            page.select_option("#id_country", "NO")
            page.fill("#id_website", "fjordlys.example")
            page.locator("#id_industry").fill("Energy")
            expect(page.locator("#field-website .errors")).to_have_count(0)
            shot(page, "new-account-form")
            page.click("button[type=submit]:has-text('Opprett kunde')")
            page.wait_for_url(re.compile(rf"{server}/accounts/\d+/$"))
            expect(page.locator("h1")).to_have_text(name)
            expect(page.locator(".messages")).to_contain_text(f"Kunden {name} er opprettet.")
            detail_url = page.url
            shot(page, "account-created")

            # Find it in the list with the search box: htmx swaps the results in place.
            page.goto(f"{server}/accounts/")
            expect(page.locator("#account-results tbody tr").first).to_be_visible()
            assert page.locator("#account-results tbody tr").count() > 1
            page.evaluate("window.kamNoReload = true")
            page.fill("#id_q", name.split()[-1])
            rows = page.locator("#account-results tbody tr")
            expect(rows).to_have_count(1)
            expect(rows.first).to_contain_text(name)
            assert page.evaluate("window.kamNoReload") is True, "the search reloaded the page"
            expect(page).to_have_url(re.compile(r"[?&]q="))  # the search is in the address
            shot(page, "search-results")

            # Open it.
            rows.first.locator("a", has_text=name).click()
            page.wait_for_url(detail_url)
            expect(page.locator("#team")).to_contain_text("KAM-ansvarlig")
            shot(page, "account-detail")
        finally:
            browser.close()

    if os.environ.get("KAM_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, SHOTS / path.name)
    violations = [text for text in console if "Content Security Policy" in text]
    assert not violations, violations
    errors = [text for text in console if text.startswith("page error")]
    assert not errors, errors
