"""End to end in a real browser, on the dossier: a KAM opens an account, adds a stakeholder,
logs a meeting with that person and a file from the dossier (htmx, no page reload), finds it
on the timeline, downloads the file, finds the meeting with the global search and sees it on
the person's own timeline - without a single Content Security Policy violation.

Screenshots land in the test's tmp_path, and also in /tmp/kam-shots/ when KAM_SHOTS is set.
The server (`kam migrate`, `kam demo`, `kam serve` in a fresh data directory) is the one of
tests/test_browser.py.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, SHOTS, database_url, server  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"
    ),
]


def test_a_kam_logs_a_meeting_with_a_file_and_finds_it_on_the_timeline_and_in_search(
    server: str,  # noqa: F811
    tmp_path: Path,
):
    sync_api = pytest.importorskip("playwright.sync_api")
    console: list[str] = []
    shots: list[Path] = []
    tag = secrets.token_hex(3)
    subject = f"Frame agreement workshop {tag}"
    keyword = f"zircon{tag}"
    attachment = tmp_path / f"Agenda {tag}.txt"
    attachment.write_text("1. Scope\n2. Prices\n3. Next steps\n", encoding="utf-8")

    def shot(page, label: str) -> None:
        path = tmp_path / f"dossier-{len(shots) + 1:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        shots.append(path)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, accept_downloads=True
            )
            page = context.new_page()
            page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
            page.on("pageerror", lambda error: console.append(f"page error: {error}"))
            expect = sync_api.expect

            # Sign in and open one of the KAM's accounts.
            page.goto(f"{server}/login/")
            page.fill("#id_username", "kam1")
            page.fill("#id_password", "openkam-kam1")
            page.click("#main button[type=submit]")
            page.wait_for_url(f"{server}/")
            page.goto(f"{server}/accounts/")
            page.locator("#account-results tbody tr a[href^='/accounts/']").first.click()
            page.wait_for_url(re.compile(rf"{server}/accounts/\d+/$"))
            dossier_url = page.url
            account_id = re.search(r"/accounts/(\d+)/$", dossier_url).group(1)
            expect(page.locator("#overview")).to_be_visible()
            expect(page.locator("#timeline .timeline")).to_be_visible()  # loaded lazily
            shot(page, "dossier")

            # Add a stakeholder on the stakeholders' page.
            page.goto(f"{server}/stakeholders/account/{account_id}/new/")
            page.fill("#id_first_name", "Ingrid")
            page.fill("#id_last_name", f"Solheim{tag}")
            page.fill("#id_job_title", "Head of Procurement")
            page.locator("#main form button.btn--primary[type=submit]").click()
            page.wait_for_url(re.compile(rf"{server}/stakeholders/\d+/$"))
            person_url = page.url
            shot(page, "stakeholder-added")

            # Log a meeting with her and a file, from the dossier, without leaving it.
            page.goto(dossier_url)
            expect(page.locator("#timeline .timeline")).to_be_visible()
            page.evaluate("window.kamNoReload = true")
            page.locator("#timeline a[href$='/log/']").click()
            form = page.locator("#interaction-form-slot form")
            expect(form).to_be_visible()
            form.locator("#id_kind").select_option("meeting")
            form.locator("#id_subject").fill(subject)
            form.locator("#id_duration_minutes").fill("90")
            form.locator("label", has_text=f"Solheim{tag}").locator("input").check()
            form.locator("#id_summary").fill(f"Walked through the scope; {keyword} came up.")
            form.locator("#id_next_step").fill("Send the revised frame agreement")
            form.locator("#id_files").set_input_files(str(attachment))
            shot(page, "log-form")
            form.locator("button[type=submit]").first.click()
            entry = page.locator("#timeline-panel .tl-item", has_text=subject)
            expect(entry).to_be_visible()
            expect(page.locator("#interaction-form-slot .alert")).to_be_visible()
            assert page.evaluate("window.kamNoReload") is True, "logging reloaded the page"
            expect(entry).to_contain_text(f"Solheim{tag}")
            expect(entry.locator(".file-chips a")).to_have_text(attachment.name)
            shot(page, "logged-on-timeline")

            # The file downloads under its own name.
            with page.expect_download() as download:
                entry.locator(".file-chips a").click()
            assert download.value.suggested_filename == attachment.name

            # The global search finds the meeting by a word of its summary.
            page.fill("#topbar-q", keyword)
            page.press("#topbar-q", "Enter")
            page.wait_for_url(re.compile(r"/search/\?q="))
            hit = page.locator(".search-hit", has_text=subject)
            expect(hit).to_be_visible()
            expect(hit.locator("mark")).to_have_text(keyword)
            shot(page, "search")
            hit.locator("a.search-hit__title").click()
            page.wait_for_url(re.compile(r"/activity/interactions/\d+/$"))
            expect(page.locator("#files")).to_contain_text(attachment.name)
            shot(page, "interaction")

            # And the person's own timeline shows it.
            page.goto(person_url)
            expect(page.locator("#interactions .tl-item", has_text=subject)).to_be_visible()
            shot(page, "stakeholder-timeline")

            # The meeting preparation lists her as expected? Only for planned meetings; the
            # brief shows the meeting in the recent history of a later day.
            page.goto(f"{server}/activity/accounts/{account_id}/prepare/")
            expect(page.locator(".prep")).to_be_visible()
            shot(page, "meeting-preparation")
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
