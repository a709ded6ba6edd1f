"""The tutor beside the topic on a wide screen, below it on a phone (real Chromium, the
real server on dist/, app/static/tropa.css):

- desktop (1440 × 900): the panel is to the right of the text, stays in sight while the
  text scrolls (sticky), fits the window and scrolls on its own (the page does not move
  when it does; a tall block is put into its log to give it something to scroll);
  Tab goes through the text first, then into the panel; the "Ask the tutor" entry
  still focuses its question box; axe finds nothing serious or critical (light, dark,
  EN, RU);
- phone (390 × 844): the panel is below the text, out of sight, and the sticky entry
  brings its question box into view.

Screenshots: docs/screenshots/tutor-side-desktop.png, tutor-below-phone.png."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.ui.test_comfort_browser import PHONE
from tests.app.ui.test_quiz_review import AXE, serious_violations
from tests.app.ui.test_shell import SCREENSHOTS, boot

pytestmark = pytest.mark.browser

TOPIC = "python.loops"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1440, "height": 900}}


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def where_focus_is(page: Page) -> str:
    return str(page.evaluate("""() => {
        const active = document.activeElement;
        if (!active || active === document.body) return 'body';
        if (active.closest('#tutor')) return 'tutor';
        if (active.closest('article.topic')) return 'topic';
        return 'other';
    }"""))


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
def test_on_a_wide_screen_the_tutor_is_a_sticky_side_panel_with_its_own_scroll(
        browser: Browser, base_url: str) -> None:
    # The page's CSP forbids inline scripts, as it should; axe is injected past it.
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block", **DESKTOP)
    try:
        page = context.new_page()
        boot(page, f"/#/topic/{TOPIC}")
        panel = page.locator("#tutor")
        expect(panel).to_be_in_viewport()
        side, article = box(page, "#tutor"), box(page, "article.topic")
        assert side["x"] >= article["x"] + article["width"]  # beside the text, to its right
        assert side["y"] < 900 and side["height"] <= 900
        assert article["height"] > 900  # the text is longer than the window
        page.screenshot(path=str(SCREENSHOTS / "tutor-side-desktop.png"))

        # Down the text: the panel stays in sight, at the top of the window.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        expect(page.locator("nav.pager")).to_be_in_viewport()
        expect(panel).to_be_in_viewport()
        assert 0 <= box(page, "#tutor")["y"] <= 40

        # Its own scroll: a long conversation scrolls inside the panel, not the page.
        page.evaluate("window.scrollTo(0, 0)")
        page.evaluate("document.querySelector('#tutor-log').insertAdjacentHTML('beforeend', "
                      "'<div style=\"height: 3000px\">a long conversation</div>')")
        assert page.evaluate("(p => p.scrollHeight > p.clientHeight)(document.querySelector('#tutor'))")
        page.locator("#tutor h2").hover()
        before = page.evaluate("scrollY")
        page.mouse.wheel(0, 800)
        expect(panel).not_to_have_js_property("scrollTop", 0)
        assert page.evaluate("scrollY") == before
        page.reload()
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)

        # Tab: through the text first, then into the panel, never back.
        page.locator("a.skip").focus()  # the skip link lands on the topic's heading
        page.keyboard.press("Enter")
        expect(page.locator("article.topic h1")).to_be_focused()
        seen: list[str] = []
        for _ in range(150):
            page.keyboard.press("Tab")
            seen.append(where_focus_is(page))
            if seen[-1] == "tutor" and seen.count("tutor") >= 3:
                break
        assert "topic" in seen and "tutor" in seen
        assert "topic" not in seen[seen.index("tutor"):], seen
        assert "other" not in seen[:seen.index("tutor")], seen

        # The entry still takes the learner straight to the question box.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
        page.locator("header a.ask-tutor").click()
        question = page.locator("#tutor-form textarea")
        expect(question).to_be_focused()
        expect(question).to_be_in_viewport()
        assert page.evaluate("location.hash") == f"#/topic/{TOPIC}"

        found: list[str] = []
        for lang in ("en", "ru"):
            page.locator(f"header button.lang[data-lang='{lang}']").click()
            expect(page.locator("html")).to_have_attribute("lang", lang)
            found += serious_violations(page, f"wide topic {lang}")
        assert found == []
    finally:
        context.close()


def test_on_a_phone_the_tutor_stays_below_the_text_with_the_sticky_entry(
        browser: Browser, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, service_workers="block", **PHONE)
    try:
        page = context.new_page()
        boot(page, f"/#/topic/{TOPIC}")
        side, article = box(page, "#tutor"), box(page, "article.topic")
        assert side["y"] >= article["y"] + article["height"]  # below the text
        assert page.evaluate("getComputedStyle(document.querySelector('#tutor')).position") == "static"
        question = page.locator("#tutor-form textarea")
        expect(question).not_to_be_in_viewport()
        entry = page.locator("header a.ask-tutor")
        expect(entry).to_be_in_viewport()
        page.screenshot(path=str(SCREENSHOTS / "tutor-below-phone.png"))
        entry.tap()
        expect(question).to_be_focused()
        expect(question).to_be_in_viewport()
    finally:
        context.close()
