"""The top bar in a real browser (Debian Chromium through Playwright, against `kam serve` with
the demo): on a desktop the menus open with the keyboard, one at a time, and Escape or a click
elsewhere closes them; on a 390 px phone the sections fold behind a "Menu" toggle that unfolds
the current section, and nothing is wider than the screen. No Content Security Policy
violation on the way.

Screenshots land in the test's tmp_path, and also in /tmp/kam-shots/ when KAM_SHOTS is set.
"""

from __future__ import annotations

import os
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


def test_the_top_bar_works_with_the_keyboard_and_folds_on_a_phone(
    server: str,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
):
    sync_api = pytest.importorskip("playwright.sync_api")
    expect = sync_api.expect
    console: list[str] = []
    shots: list[Path] = []

    def shot(page, label: str) -> None:
        path = tmp_path / f"nav-{len(shots) + 1:02d}-{label}.png"
        page.screenshot(path=str(path), caret="initial")
        shots.append(path)

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 800})
                page = context.new_page()
                page.on("console", lambda message: console.append(message.text))
                page.on("pageerror", lambda error: console.append(f"page error: {error}"))
                page.goto(f"{server}/login/")
                page.fill("#id_username", "head")
                page.fill("#id_password", "openkam-head")
                page.click("button[type=submit]")
                page.wait_for_url(f"{server}/")
                page.goto(f"{server}/stakeholders/")

                accounts = page.locator("details[data-menu]").filter(
                    has=page.locator("summary", has_text="Accounts")
                )
                follow_up = page.locator("details[data-menu]").filter(
                    has=page.locator("summary", has_text="Follow-up")
                )
                people = page.locator("#topbar-menu a[aria-current=page]")
                expect(people).to_have_text("People")

                if width == 1280:
                    # Tab from the brand to the first menus; Enter opens one.
                    expect(page.locator(".nav-toggle")).to_be_hidden()
                    page.locator(".brand").focus()
                    page.keyboard.press("Tab")  # Overview
                    page.keyboard.press("Tab")  # the Accounts menu
                    expect(accounts.locator("summary")).to_be_focused()
                    expect(accounts.locator("summary")).to_have_attribute("aria-current", "true")
                    page.keyboard.press("Enter")
                    expect(accounts).to_have_attribute("open", "")
                    page.keyboard.press("Tab")
                    expect(accounts.locator("a").first).to_be_focused()
                    expect(accounts.locator("a").first).to_be_visible()
                    shot(page, "desktop-menu")
                    # Escape closes it and gives the focus back to its button.
                    page.keyboard.press("Escape")
                    expect(accounts).not_to_have_attribute("open", "")
                    expect(accounts.locator("summary")).to_be_focused()
                    # One menu at a time; a click elsewhere closes it.
                    accounts.locator("summary").click()
                    follow_up.locator("summary").click()
                    expect(follow_up).to_have_attribute("open", "")
                    expect(accounts).not_to_have_attribute("open", "")
                    page.mouse.click(5, 400)  # the empty margin beside the page
                    expect(follow_up).not_to_have_attribute("open", "")
                    # Tabbing out of an open menu closes it.
                    follow_up.locator("summary").click()
                    for _ in range(follow_up.locator("a").count() + 1):
                        page.keyboard.press("Tab")
                    expect(follow_up).not_to_have_attribute("open", "")
                    # The user's menu signs out.
                    page.locator(".usermenu summary").click()
                    expect(page.locator(".usermenu button[type=submit]")).to_be_visible()
                else:
                    toggle = page.locator(".nav-toggle")
                    expect(toggle).to_be_visible()
                    expect(toggle).to_have_attribute("aria-expanded", "false")
                    expect(page.locator("#topbar-menu")).to_be_hidden()
                    shot(page, "phone-closed")
                    toggle.click()
                    expect(toggle).to_have_attribute("aria-expanded", "true")
                    expect(page.locator("#topbar-q")).to_be_visible()
                    # The section of the page is unfolded, its neighbours one tap away.
                    expect(accounts).to_have_attribute("open", "")
                    expect(people).to_be_visible()
                    follow_up.locator("summary").click()
                    expect(follow_up.locator("a", has_text="Promises")).to_be_visible()
                    shot(page, "phone-open")
                    page.keyboard.press("Escape")  # the focus is on Follow-up: it folds
                    expect(follow_up).not_to_have_attribute("open", "")
                    toggle.click()
                    expect(page.locator("#topbar-menu")).to_be_hidden()
                    # The bell and the user's menu stay in the bar.
                    expect(page.locator(".usermenu .bell")).to_be_visible()
                    expect(page.locator(".usermenu summary")).to_be_visible()
                    overflow = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
                context.close()
        finally:
            browser.close()

    if os.environ.get("KAM_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, SHOTS / path.name)
    violations = [line for line in console if "Content Security Policy" in line]
    assert not violations, violations
    errors = [line for line in console if line.startswith("page error")]
    assert not errors, errors
