"""The learner's whole loop in the real page, as issue 9 tells it: library → trail → Start →
topic → mark done → quiz (one answer wrong) → a note → the review due tomorrow (the
study clock moved with ``?clock=+1d``) → export the data file → import it into a fresh
browser → the same state there: the mark, the note, the quiz's last answers and the
same cards due tomorrow.

The quiz's questions and keys come from the app's own QuizMaker under CPython on the
built library, never from the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.core.learner.quiz import Question
from app.core.library.catalog import Library
from app.services.quizzes import QuizMaker
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, ROOT, SCREENSHOTS, boot

pytestmark = pytest.mark.browser

NOTE = "Start with `git status`; **commit** small steps."


def questions(topic: str) -> dict[str, Question]:
    library = Library.from_dict(json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8")))
    return {q.id: q for q in QuizMaker(library).build(topic, "en").questions}


def answer_current(page: Page, made: dict[str, Question], right: bool) -> str:
    """Answer the quiz's current question, right or wrong; return the verdict shown."""
    form = page.locator("#quiz-stage form.quiz-question")
    question = made[str(form.get_attribute("data-question"))]
    if question.is_choice:
        choice = question.key if right else (question.key + 1) % len(question.options)
        form.locator(f"input[name=choice][value='{choice}']").check()
    else:
        form.locator("textarea").fill(question.answer if right else "no idea at all")
    form.locator("button.check").click()
    feedback = page.locator("#quiz-stage .feedback")
    expect(feedback).to_be_visible()
    expect(feedback.locator(".source blockquote")).not_to_be_empty()  # the passage it came from
    return str(feedback.get_attribute("data-verdict"))


def state_of(page: Page, topic: str) -> dict[str, str]:
    """What the learner sees of their own work on ``topic`` and in tomorrow's review."""
    boot(page, f"/#/topic/{topic}")
    done = page.locator(f".marks button[data-status='done'][data-topic='{topic}']")
    seen = {
        "done": str(done.get_attribute("aria-pressed")),
        "note": page.locator(".note .note-body").inner_text(),
        "last": page.locator("section.quiz .quiz-last").inner_text(),
        "mastery": str(page.locator("section.quiz .mastery").get_attribute("data-level")),
    }
    boot(page, "/?clock=+1d#/review")
    expect(page.locator("section.review .due")).to_be_visible()
    seen["due"] = page.locator("section.review .due").inner_text()
    seen["question"] = str(page.locator("section.review form.quiz-question").get_attribute("data-question"))
    return seen


def test_library_continue_topic_done_quiz_note_review_export_import(
        page: Page, browser: Browser, base_url: str, tmp_path: Path) -> None:
    boot(page, "/#/")
    page.locator(".card[data-roadmap='git'] a").first.click()
    start = page.locator(".trail-progress a.continue")
    expect(start).to_contain_text("Start:")
    topic = str(start.get_attribute("data-topic"))
    start.click()
    expect(page.locator("article.topic")).to_have_attribute("data-topic", topic)
    expect(page.locator("article.topic h1")).to_be_focused()

    page.locator(f".marks button[data-status='done'][data-topic='{topic}']").click()
    made = questions(topic)
    assert len(made) >= 2, f"{topic}: the quiz needs two questions for this walk"
    page.locator("section.quiz button.quiz-start").click()
    assert answer_current(page, made, right=False) == "wrong"
    page.locator("#quiz-stage").get_by_role("button", name="Next question").click()
    assert answer_current(page, made, right=True) in ("right", "partly")

    page.locator("#note-text").fill(NOTE)
    page.locator(".note-form .note-save").click()
    expect(page.locator(".note-status")).to_have_text("Note saved.")
    page.screenshot(path=str(SCREENSHOTS / "walk-topic.png"), full_page=True)

    # The library now says where to go on, and tomorrow the wrong answer is due.
    boot(page, "/#/")
    expect(page.locator(".card[data-roadmap='git'] a.continue")).to_contain_text("Continue:")
    before = state_of(page, topic)
    assert before["done"] == "true" and "commit" in before["note"]
    assert before["due"].startswith("Due today: ") and before["due"] != "Due today: 0"
    assert before["question"] in made

    boot(page, "/#/data")
    with page.expect_download() as download:
        page.locator(".your-data button.export").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    kept = json.loads(saved.read_text(encoding="utf-8"))["collections"]
    assert kept["progress"][topic]["status"] == "done"
    assert len(kept["cards"]) == 2 and len(kept["quiz_results"][topic]) == 2

    fresh = browser.new_context(base_url=base_url, service_workers="block")
    try:
        other = fresh.new_page()
        boot(other, "/#/data")
        other.locator("#data-file").set_input_files(str(saved))
        other.locator(".import button[type='submit']").click()
        expect(other.locator(".data-message")).to_contain_text("imported from", timeout=BOOT_TIMEOUT_MS)
        assert state_of(other, topic) == before
    finally:
        fresh.close()
