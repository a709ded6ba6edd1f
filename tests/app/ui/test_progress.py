"""Progress in the real page: a learner starts a trail from the library, marks a topic
done, reloads, and finds it kept; a reset of the trail can be undone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_shell import boot

pytestmark = pytest.mark.browser


def test_start_mark_done_reload_reset_and_undo(page: Page) -> None:
    boot(page, "/#/roadmap/python")
    start = page.locator(".trail-progress a.continue")
    expect(start).to_contain_text("Start:")
    first = start.get_attribute("data-topic")
    start.click()
    expect(page.locator("article.topic")).to_have_attribute("data-topic", str(first))
    done = page.locator(f".marks button[data-status='done'][data-topic='{first}']")
    expect(done).to_have_attribute("aria-pressed", "false")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=60_000)
    expect(page.locator(f".marks button[data-status='done'][data-topic='{first}']")).to_have_attribute(
        "aria-pressed", "true")

    boot(page, "/#/")
    card = page.locator(".card[data-roadmap='python']")
    expect(card.locator(".share")).to_contain_text("1 of")
    expect(card.locator("a.continue")).to_contain_text("Continue:")
    expect(card.locator("a.continue")).not_to_have_attribute("data-topic", str(first))
    expect(page.locator(".streak")).to_contain_text("in a row: 1")

    card.locator("a.continue").click()
    page.goto("/#/roadmap/python")
    box = page.locator(f".graph-wide a.node[data-topic='{first}']")  # the trail map's box
    expect(box).to_have_attribute("data-status", "done")
    page.locator(".trail-progress .reset").click()
    expect(box).not_to_have_attribute("data-status", "done")
    page.locator(".trail-progress .undo").click()
    expect(box).to_have_attribute("data-status", "done")
