"""In a real browser: the sign-in page switches language before anyone signs in, and a user
then reads pages in their language with amounts formatted as their locale writes them.

Runs against `kam serve` with the demo data (see tests/test_browser.py for the server). Debian
Chromium asks for English; the switch must win over that. Screenshots land in the test's
tmp_path, and also in /tmp/kam-shots/ when KAM_SHOTS is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, SHOTS, database_url, server  # noqa: F401 (fixtures)

NBSP = "\u00a0"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian Chromium (/usr/bin/chromium) is not installed"
    ),
]


def test_the_sign_in_page_switches_language_and_pages_format_amounts_in_the_locale(
    server: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
):
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    console: list[str] = []
    shots: list[Path] = []

    def shot(page, label: str) -> None:
        path = tmp_path / f"language-{len(shots) + 1:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
        shots.append(path)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = context.new_page()
            page.on("console", lambda message: console.append(f"{page.url}: {message.text}"))
            page.on("pageerror", lambda error: console.append(f"page error: {error}"))

            # The browser asks for English; choosing Bulgarian switches the page at once.
            page.goto(f"{server}/login/")
            expect(page.locator("form.card button[type=submit]")).to_have_text("Sign in")
            page.select_option("#language", "bg")
            page.wait_for_load_state("networkidle")
            expect(page.locator("html")).to_have_attribute("lang", "bg")
            expect(page.locator("form.card button[type=submit]")).to_have_text("Вход")
            expect(page.locator("label[for=id_password]")).to_contain_text("Парола")
            shot(page, "sign-in-bg")

            # Then Russian, and sign in as the Russian-speaking KAM.
            page.select_option("#language", "ru")
            page.wait_for_load_state("networkidle")
            expect(page.locator("form.card button[type=submit]")).to_have_text("Войти")
            shot(page, "sign-in-ru")
            page.fill("#id_username", "kam4")
            page.fill("#id_password", "openkam-kam4")
            page.click("form.card button[type=submit]")
            page.wait_for_url(f"{server}/")
            expect(page.locator("nav.nav")).to_contain_text("Клиенты")

            # Their accounts are Russian ones, invoiced in roubles.
            page.goto(f"{server}/accounts/?currency=RUB")
            expect(page.locator("h1")).to_have_text("Клиенты")
            expect(page.locator("#account-results tbody tr").first).to_contain_text("RUB")
            shot(page, "accounts-ru")

            # Convert an amount typed the Russian way; the answer is formatted the same way.
            page.goto(f"{server}/currency/rates/")
            expect(page.locator("h1")).to_have_text("Курсы валют")
            page.fill("#id_amount", "1234567,5")
            page.select_option("#id_currency", "RUB")
            page.fill("#id_on", "2026-03-15")
            page.select_option("#id_target", "EUR")
            page.click("#convert-result >> xpath=preceding-sibling::form//button[@type='submit']")
            result = page.locator("#convert-result .convert-result")
            expect(result).to_contain_text(f"1{NBSP}234{NBSP}567,50{NBSP}RUB = ")
            expect(result).to_contain_text(f"{NBSP}EUR")
            expect(page.locator("#convert-result")).to_contain_text("Применён курс: 1 RUB =")
            expect(page.locator("#convert-result")).to_contain_text("с 2026-03-01")
            shot(page, "rates-ru")

            # The profile offers every language in its own name.
            page.goto(f"{server}/profile/")
            expect(page.locator("#id_language option[value=hu]")).to_have_text("Magyar")
            page.select_option("#id_language", "hu")
            page.click("form.card button[type=submit]")
            page.wait_for_load_state("networkidle")
            expect(page.locator(".messages")).to_contain_text("A profilja mentve.")
            expect(page.locator("nav.nav")).to_contain_text("Ügyfelek")
            shot(page, "profile-hu")
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
