"""Quizzes and review in the real page: a learner takes a topic's quiz (no model loaded),
answers one question right and one wrong and sees the feedback with its source; after a
reload the answers and the mastery are still shown; a day later (``?clock=+1d``) the
wrong one is due in #/review, and answering it leaves nothing due until the right one's
date. The expected questions and keys come from the app's own QuizMaker under CPython on
dist/content/library.json, never from the page."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.core.learner.quiz import Question
from app.core.library.catalog import Library
from app.services.quizzes import QUIZ_LENGTH, QuizMaker
from tests.app.ui.test_shell import ROOT, SCREENSHOTS, boot
from tests.conftest import model_files

pytestmark = pytest.mark.browser

TOPIC = "git.bisect"


def questions() -> dict[str, Question]:
    library = Library.from_dict(json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8")))
    return {q.id: q for q in QuizMaker(library).build(TOPIC, "en").questions}


def answer(page: Page, made: dict[str, Question], right: bool) -> Question:
    """Answer the stage's current (choice) question, right or wrong, and check it."""
    form = page.locator("#quiz-stage form.quiz-question")
    question = made[str(form.get_attribute("data-question"))]
    assert question.is_choice
    expect(form.locator("legend")).to_have_text(question.stem.replace("`", ""))
    choice = question.key if right else (question.key + 1) % len(question.options)
    form.locator(f"input[name=choice][value='{choice}']").check()
    form.get_by_role("button", name="Check").click()
    return question


def test_quiz_answers_survive_a_reload_and_the_wrong_one_is_reviewed_tomorrow(
        page: Page, context: BrowserContext) -> None:
    made = questions()
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url))
    boot(page, f"/#/topic/{TOPIC}")
    block = page.locator("section.quiz")
    expect(block.locator(".mastery")).to_have_attribute("data-level", "untested")
    expect(page.locator("header .review-link")).to_have_text("Review")
    block.get_by_role("button", name="Quiz yourself").click()
    stage = page.locator("#quiz-stage")
    expect(stage).to_be_focused()
    expect(stage.locator(".count")).to_contain_text("Question 1 of")

    first = answer(page, made, right=True)
    feedback = stage.locator(".feedback")
    expect(feedback).to_have_attribute("data-verdict", "right")
    expect(feedback.locator(".verdict")).to_have_text("Right.")
    expect(feedback.locator(".source blockquote")).to_have_text(first.source.replace("`", ""))
    stage.get_by_role("button", name="Next question").click()

    second = answer(page, made, right=False)
    expect(feedback).to_have_attribute("data-verdict", "wrong")
    expect(feedback.locator(".verdict")).to_have_text("Not quite.")
    expect(feedback.locator(".answer")).to_have_text(f"The answer: {second.answer.replace('`', '')}")
    expect(feedback.locator(".source blockquote")).to_have_text(second.source.replace("`", ""))
    page.screenshot(path=str(SCREENSHOTS / "quiz.png"))

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    expect(block.locator(".quiz-last")).to_have_text("Your last 2 answers here: 1 right.")
    expect(block.locator(".mastery")).not_to_have_attribute("data-level", "untested")
    expect(page.locator(".marks .mastery")).to_contain_text("Mastery:")  # beside the self-marked state
    expect(page.locator("header .review-link")).to_have_text("Review")  # nothing due today

    boot(page, "/?clock=+1d#/")
    link = page.locator("header .review-link")
    expect(link).to_have_text("Review (1)")
    link.click()
    review = page.locator("section.review")
    expect(review.locator(".due")).to_have_text("Due today: 1")
    expect(review.locator(".review-from")).to_contain_text("From “")
    expect(review.locator("form.quiz-question")).to_have_attribute("data-question", second.id)
    page.screenshot(path=str(SCREENSHOTS / "review.png"))
    answer(page, made, right=True)
    expect(review.locator(".feedback")).to_have_attribute("data-verdict", "right")
    review.get_by_role("button", name="See the result").click()
    expect(review.locator(".quiz-result .score")).to_contain_text("1 of 1 right")
    expect(review.locator(".next-due")).to_contain_text("Next review:")
    expect(link).to_have_text("Review")

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    expect(review.locator(".nothing-due")).to_have_text("Nothing to review today.")
    assert first.id != second.id
    assert model_files(fetched) == []  # no model file for a quiz alone


AXE = ROOT / "node_modules/axe-core/axe.min.js"


def serious_violations(page: Page, where: str) -> list[str]:
    found = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [f"{where} {scheme}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}"
                  for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return found


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
def test_the_quiz_feedback_and_review_have_no_serious_accessibility_violations(
        browser: Browser, base_url: str) -> None:
    # The page's CSP forbids inline scripts, as it should; axe is injected past it.
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block")
    page = context.new_page()
    made = questions()
    found: list[str] = []
    for lang in ("en", "ru"):
        boot(page, f"/#/topic/{TOPIC}")
        page.locator(f"header button.lang[data-lang='{lang}']").click()
        stop = page.locator("#quiz-stage button.quiz-stop")
        if stop.count():  # the quiz the last language left is kept across the reload
            stop.click()
        page.locator("section.quiz button.quiz-start").click()
        expect(page.locator("#quiz-stage form")).to_be_visible()
        found += serious_violations(page, f"{lang} question")
        form = page.locator("#quiz-stage form.quiz-question")
        question = made[str(form.get_attribute("data-question"))]
        form.locator(f"input[name=choice][value='{(question.key + 1) % len(question.options)}']").check()
        form.locator("button.check").click()
        expect(page.locator("#quiz-stage .feedback")).to_be_visible()
        found += serious_violations(page, f"{lang} feedback")
        boot(page, "/?clock=+1d#/review")
        expect(page.locator("section.review #quiz-stage form")).to_be_visible()
        found += serious_violations(page, f"{lang} review")
    context.close()
    assert found == []


def models_built(*ids: str) -> bool:
    manifest = ROOT / "dist/models/manifest.json"
    return manifest.is_file() and set(ids) <= {
        m["id"] for m in json.loads(manifest.read_text(encoding="utf-8"))["models"]}


@pytest.mark.skipif(not models_built("multilingual-e5-small", "tiny-qwen2"),
                    reason="models not built: run `make models`")
def test_the_model_is_offered_for_more_questions_once_the_tutor_has_loaded_it(page: Page) -> None:
    # The tiny random-weight generator writes no parseable question: what is asserted is
    # the path (offered only once loaded, run within its budget, every reply checked).
    boot(page, f"/?tutor=tiny-qwen2#/topic/{TOPIC}")
    page.locator("section.quiz button.quiz-start").click()
    expect(page.locator("#quiz-stage form")).to_be_visible()
    expect(page.locator("#quiz-stage .ask-model")).to_have_count(0)  # nothing loaded yet
    page.locator("#tutor-form textarea").fill("What does git bisect do?")
    page.locator("#tutor-form .ask").click()
    # The tutor may first ask before it downloads its models (app.ui.models).
    consent = page.locator("#tutor-consent button.consent-download")
    exchange = page.locator("#tutor-log .exchange").last
    expect(consent.or_(exchange)).to_be_visible(timeout=60_000)
    if consent.is_visible():
        consent.click()
    expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages"),
                                       timeout=8 * 60_000)
    answer(page, questions(), right=True)  # the quiz's next step sees the loaded model
    offer = page.locator("#quiz-stage .ask-model")
    expect(offer).to_have_text("Add questions written by the on-device model")
    offer.click()
    status = page.locator("#quiz-model-status")
    expect(status).to_contain_text("The model wrote 3:", timeout=3 * 60_000)
    expect(page.locator("#quiz-stage .ask-model")).to_have_count(0)
    found = re.search(r"(\d+) checked", status.inner_text())
    assert found is not None
    shown = min(QUIZ_LENGTH, len(questions())) + int(found.group(1))  # verified ones join the quiz
    expect(page.locator("#quiz-stage .count")).to_have_text(f"Question 1 of {shown}")
    page.screenshot(path=str(SCREENSHOTS / "quiz-model.png"))
