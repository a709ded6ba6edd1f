"""Keyboard and screen-reader basics in the real page: focus follows route changes to
the new view's heading, a skip link, labelled navigation, focusable code blocks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

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
