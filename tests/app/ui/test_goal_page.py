"""The learner's goal in the real page: on #/review a learner writes their goal, saves it,
sees what the tutor now knows of them, and after a reload the goal is still there (kept
in the device's IndexedDB); with the tiny generator, the prompt the page posts to the
ML worker opens its user turn with that goal and leaves the system message alone."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_shell import boot
from tests.app.ui.test_tutor import ANSWER_TIMEOUT_MS, ask, models_built

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


# Every generate request the page posts to the ML worker, as JSON (the worker's protocol:
# {id, type, payload}); installed before the page's own scripts run.
RECORD_PROMPTS = """
window.__prompts = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type === 'generate') window.__prompts.push(JSON.stringify(message.payload.messages));
  return post.call(this, message, ...rest);
};
"""


@pytest.mark.skipif(not models_built("multilingual-e5-small", "tiny-qwen2"),
                    reason="models not built: run `make models`")
def test_the_tutors_prompt_carries_the_goal_in_the_user_turn(page: Page) -> None:
    page.add_init_script(RECORD_PROMPTS)
    boot(page, "/?tutor=tiny-qwen2#/review")
    page.locator("section.goal").get_by_label("Your goal").fill("get a job with Python")
    page.locator("section.goal").get_by_role("button", name="Save goal").click()
    expect(page.locator(".goal-status")).to_have_text("Goal saved.")
    boot(page, "/?tutor=tiny-qwen2#/topic/python.loops")
    exchange = ask(page, "What does a for loop do?", held=True)
    consent = page.locator("#tutor-consent button.consent-download")
    expect(consent.or_(exchange)).to_be_visible(timeout=60_000)
    if consent.is_visible():  # a fresh profile asks before the first download
        consent.click()
    expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages"),
                                       timeout=ANSWER_TIMEOUT_MS)  # a random tiny model may miss the language
    prompts = [json.loads(p) for p in page.evaluate("window.__prompts")]
    assert prompts, "no generate request reached the worker"
    messages = prompts[0]
    assert messages[-1]["role"] == "user"
    assert messages[-1]["content"].startswith("The learner's goal: get a job with Python.")
    assert "get a job" not in messages[0]["content"]  # the system prefix stays cacheable
