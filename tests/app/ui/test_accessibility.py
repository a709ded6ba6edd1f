"""Keyboard and screen-reader basics in the real page: focus follows route changes to
the new view's heading, a skip link, labelled navigation, focusable code blocks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.ui.test_quiz_review import AXE
from tests.app.ui.test_shell import boot

pytestmark = pytest.mark.browser


def test_focus_moves_to_the_new_heading_and_the_skip_link_reaches_it(page: Page) -> None:
    boot(page, "/#/")
    page.locator(".card[data-roadmap='python'] a").first.click()
    expect(page.locator("main h1")).to_be_focused()
    page.locator("article.roadmap .graph-wide a.node").first.click()
    expect(page.locator("article.topic h1")).to_be_focused()
    page.keyboard.press("Shift+Tab")  # leave the heading, then use the skip link
    page.locator("a.skip").focus()
    page.keyboard.press("Enter")
    expect(page.locator("article.topic h1")).to_be_focused()
    assert page.evaluate("location.hash").startswith("#/topic/")  # the skip link is not a route


def test_navigation_is_labelled_and_code_blocks_can_be_focused(page: Page) -> None:
    boot(page, "/#/topic/python.loops")
    expect(page.locator("nav.crumbs")).to_have_attribute("aria-label", "Breadcrumb")
    expect(page.locator("nav.pager")).to_have_attribute("aria-label", "Previous and next topic")
    code = page.locator(".prose pre").first
    expect(code).to_have_attribute("tabindex", "0")


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
@pytest.mark.parametrize("width", [1280, 390])
def test_the_trail_maps_boxes_are_named_by_the_words_they_show(browser: Browser, base_url: str,
                                                                width: int) -> None:
    """axe's label-content-name-mismatch (WCAG 2.5.3, an experimental rule, off by default):
    a box's title is drawn on several lines, and its name must hold the words as read."""
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    for lang in ("en", "ru"):
        boot(page, "/#/roadmap/python")
        page.locator(f"header button.lang[data-lang='{lang}']").click()
        expect(page.locator("article.roadmap a.node:visible").first).to_be_visible()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['label-content-name-mismatch']})")
        assert [n["html"] for v in result["violations"] for n in v["nodes"]] == [], lang
        assert result["passes"], "the rule found no box to check"
    context.close()
