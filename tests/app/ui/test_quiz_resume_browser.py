"""A topic's quiz in progress survives a reload, in the real page (Chromium, IndexedDB):
the learner answers two questions, reloads, and finds the second one's feedback and the
quiz's place again; goes on, reloads again and is at the third question; stops the quiz,
reloads, and the topic offers a fresh one. The questions and keys come from the app's
own QuizMaker under CPython on dist/content/library.json (test_quiz_review.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_quiz_review import TOPIC, answer, questions
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot

pytestmark = pytest.mark.browser


def reload(page: Page) -> None:
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)


def test_a_quiz_in_progress_comes_back_after_a_reload_until_it_is_stopped(page: Page) -> None:
    made = questions()
    boot(page, f"/#/topic/{TOPIC}")
    page.locator("section.quiz").get_by_role("button", name="Quiz yourself").click()
    stage = page.locator("#quiz-stage")
    answer(page, made, right=True)
    stage.get_by_role("button", name="Next question").click()
    second = answer(page, made, right=False)
    expect(stage.locator(".feedback")).to_have_attribute("data-verdict", "wrong")
    count = str(stage.locator(".count").text_content())
    assert count.startswith("Question 2 of")

    reload(page)
    expect(stage.locator(".count")).to_have_text(count)
    feedback = stage.locator(".feedback")
    expect(feedback).to_have_attribute("data-question", second.id)
    expect(feedback).to_have_attribute("data-verdict", "wrong")
    expect(feedback.locator(".answer")).to_have_text(f"The answer: {second.answer.replace('`', '')}")
    stage.get_by_role("button", name="Next question").click()
    current = str(stage.locator("form.quiz-question").get_attribute("data-question"))
    assert current not in (second.id,)

    reload(page)
    expect(stage.locator(".count")).to_contain_text("Question 3 of")
    expect(stage.locator("form.quiz-question")).to_have_attribute("data-question", current)

    stage.get_by_role("button", name="Stop the quiz").click()
    start = page.locator("section.quiz").get_by_role("button", name="Quiz yourself")
    expect(start).to_be_focused()
    expect(page.locator("#quiz-stage")).to_have_count(0)
    reload(page)
    expect(start).to_be_visible()
    expect(page.locator("#quiz-stage")).to_have_count(0)
    expect(page.locator("section.quiz .quiz-last")).to_have_text("Your last 2 answers here: 1 right.")


def test_a_finished_quiz_is_not_brought_back(page: Page) -> None:
    made = questions()
    boot(page, f"/#/topic/{TOPIC}")
    page.locator("section.quiz").get_by_role("button", name="Quiz yourself").click()
    stage = page.locator("#quiz-stage")
    expect(stage.locator(".count")).to_contain_text("Question 1 of")
    total = int(str(stage.locator(".count").text_content()).rsplit(" ", 1)[-1])
    for index in range(total):
        form = stage.locator("form.quiz-question")
        if form.get_attribute("data-kind") == "open":
            qid = str(form.get_attribute("data-question"))
            form.locator("textarea").fill("some words of my own here")
            form.get_by_role("button", name="Check").click()
            expect(stage.locator(".feedback")).to_have_attribute("data-question", qid)
        else:
            answer(page, made, right=True)
        stage.locator("button.next").click()
        expect(stage).to_have_attribute("data-index", str(index + 1))
    expect(stage).to_have_attribute("data-finished", "true")
    expect(stage.locator(".quiz-result .score")).to_be_visible()
    reload(page)
    expect(page.locator("section.quiz").get_by_role("button", name="Quiz yourself")).to_be_visible()
    expect(page.locator("#quiz-stage")).to_have_count(0)
