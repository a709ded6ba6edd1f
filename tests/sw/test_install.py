"""Chromium finds the app installable, and the app offers its own Install button when the
browser fires ``beforeinstallprompt``, in the learner's language."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext

from tests.sw.conftest import BOOT_TIMEOUT_MS, Site, wait_booted, wait_controlled

pytestmark = pytest.mark.browser


def test_chromium_reports_no_installability_errors(site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    page.goto(site.url + "/")
    wait_booted(page)
    wait_controlled(page)
    cdp = profile.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == site.url + site.urls["manifest"]
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []


def test_the_install_button_follows_the_prompt_and_the_language(site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    page.goto(site.url + "/")
    wait_booted(page)
    install = page.locator("#pwa-bar button[data-action=install]")
    install.wait_for(state="visible", timeout=BOOT_TIMEOUT_MS)
    assert install.inner_text() == "Install the app"
    page.click("[data-action=language][data-lang=ru]")
    page.wait_for_function("document.documentElement.lang === 'ru'")
    assert install.inner_text() == "Установить приложение"
    # The browser's prompt can be shown once; pressing the button spends it.
    install.click()
    install.wait_for(state="detached", timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#pwa-bar").is_hidden()
