"""The learner's goal in the real page: on #/review a learner writes their goal, saves it,
sees what the tutor now knows of them, and after a reload the goal is still there (kept
in the device's IndexedDB)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_shell import boot

pytestmark = pytest.mark.browser


def test_a_saved_goal_is_shown_as_the_tutor_knows_it_and_survives_a_reload(page: Page) -> None:
    boot(page, "/#/review")
    goal = page.locator("section.goal")
    expect(goal.locator(".goal-profile")).to_have_count(0)  # nothing known yet
    goal.get_by_label("Your goal").fill("get a job with Python")
    goal.get_by_role("button", name="Save goal").click()
    expect(goal.locator(".goal-status")).to_have_text("Goal saved.")
    expect(goal.locator(".goal-profile")).to_have_text(
        "The tutor knows: The learner's goal: get a job with Python.")
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    expect(goal.get_by_label("Your goal")).to_have_value("get a job with Python")
    expect(goal.locator(".goal-profile")).to_contain_text("get a job with Python")
