"""The colour theme switch and the sticky "Ask the tutor" entry in the real page (real
Chromium, the real server on dist/): the theme switches, is applied before the first
paint after a reload, and axe finds nothing serious in dark; the entry stays in sight
and takes the learner to the tutor's question box, on a phone and on a desktop."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.app.ui.test_quiz_review import AXE, serious_violations
from tests.app.ui.test_shell import boot

pytestmark = pytest.mark.browser

TOPIC = "python.loops"
TRAIL = "python"
DARK_BG = "rgb(21, 24, 28)"  # tropa.css --bg, dark
LIGHT_BG = "rgb(251, 250, 247)"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
                         "is_mobile": True, "has_touch": True}
# Run before the page's own scripts: what <html> looked like when the body started (the
# first paint cannot come earlier), so a theme put on later would be seen as a flash.
FIRST_PAINT = """
document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive' || window.__firstTheme !== undefined) return;
  window.__firstTheme = document.documentElement.dataset.theme || 'system';
  window.__firstBg = getComputedStyle(document.documentElement).backgroundColor;
});
"""


def new_context(browser: Browser, base_url: str, scheme: str, **options: Any) -> BrowserContext:
    # The page's CSP forbids inline scripts, as it should; axe is injected past it.
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block",
                                  color_scheme=scheme, **options)  # type: ignore[arg-type]
    context.add_init_script(FIRST_PAINT)
    return context


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))


def choose(page: Page, theme: str) -> None:
    button = page.locator(f"header button.theme[data-theme='{theme}']")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button).to_be_focused()  # the redraw keeps the learner's place


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_theme_follows_the_system_switches_both_ways_and_survives_a_reload(
        browser: Browser, base_url: str, device: str) -> None:
    context = new_context(browser, base_url, "light", **(PHONE if device == "phone" else {}))
    try:
        page = context.new_page()
        boot(page, "/#/")
        assert page.evaluate("document.documentElement.dataset.theme") is None
        expect(page.locator("header button.theme[data-theme='system']")).to_have_attribute(
            "aria-pressed", "true")
        assert background(page) == LIGHT_BG
        page.emulate_media(color_scheme="dark")  # the system's setting is followed
        assert background(page) == DARK_BG
        choose(page, "light")  # light on a dark system
        assert background(page) == LIGHT_BG
        page.emulate_media(color_scheme="light")
        choose(page, "dark")  # dark on a light system
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        assert background(page) == DARK_BG
        assert page.evaluate("localStorage.getItem('tropa.theme')") == "dark"

        page.reload()
        boot(page, "/#/")
        # Dark from the first paint on, then in the app's own switch.
        assert page.evaluate("[window.__firstTheme, window.__firstBg]") == ["dark", DARK_BG]
        expect(page.locator("header button.theme[data-theme='dark']")).to_have_attribute(
            "aria-pressed", "true")
        found: list[str] = []
        for lang in ("en", "ru"):
            page.locator(f"header button.lang[data-lang='{lang}']").click()
            for view, shown in (("#/", ".cards"), (f"#/topic/{TOPIC}", "article.topic .prose")):
                page.evaluate("hash => { location.hash = hash }", view)
                expect(page.locator(shown)).to_be_visible()
                assert background(page) == DARK_BG
                found += serious_violations(page, f"{device} {lang} {view} dark")
        assert found == []

        choose(page, "system")  # back to the system's: no attribute, the light system
        page.emulate_media(color_scheme="light")
        assert page.evaluate("document.documentElement.dataset.theme") is None
        assert background(page) == LIGHT_BG
    finally:
        context.close()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_ask_entry_stays_in_sight_and_focuses_the_question_box_from_deep_in_a_trail(
        browser: Browser, base_url: str, device: str) -> None:
    context = new_context(browser, base_url, "light", **(PHONE if device == "phone" else {}))
    try:
        page = context.new_page()
        boot(page, f"/#/roadmap/{TRAIL}")
        entry = page.locator("header a.ask-tutor")
        question = page.locator("#tutor-form textarea")
        height = page.evaluate("document.documentElement.scrollHeight")
        viewport = page.evaluate("innerHeight")
        assert height > 2 * viewport  # a long trail: the tutor is far below
        expect(entry).to_be_in_viewport()
        expect(question).not_to_be_in_viewport()
        # Down the trail, past its middle: the entry is still there; the panel is not yet.
        page.evaluate("window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) * 0.6)")
        expect(question).not_to_be_in_viewport()
        expect(entry).to_be_in_viewport()
        assert page.evaluate("document.elementFromPoint(...(r => [r.x + 5, r.y + 5])("
                             "document.querySelector('a.ask-tutor').getBoundingClientRect()))"
                             ".closest('a.ask-tutor') !== null")  # on top, not covered
        if device == "phone":
            entry.tap()
        else:
            entry.click()
        expect(question).to_be_focused()
        expect(question).to_be_in_viewport()
        assert page.evaluate("location.hash") == f"#/roadmap/{TRAIL}"  # not a route
        # From the keyboard: the second stop of the page, after the skip link.
        page.evaluate("window.scrollTo(0, 0)")
        page.locator("a.skip").focus()
        page.keyboard.press("Tab")
        expect(entry).to_be_focused()
        page.keyboard.press("Enter")
        expect(question).to_be_focused()
        page.keyboard.type("What is a loop?")
        expect(question).to_have_value("What is a loop?")
        # Russian, and on a topic page too.
        page.locator("header button.lang[data-lang='ru']").click()
        expect(entry).to_have_text("Спросить наставника")
        page.evaluate("hash => { location.hash = hash }", f"#/topic/{TOPIC}")
        expect(page.locator("article.topic h1")).to_be_focused()
        entry.click()
        expect(question).to_be_focused()
    finally:
        context.close()
