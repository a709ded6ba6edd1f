"""The tutor in the real page: the ML worker, real models from dist/models, Chromium.

The answer's text is the model's and is not asserted; what is asserted is what the
product promises: tokens stream in, the answer cites the topic that holds the answer,
the device in use is shown, and nothing the learner typed reaches the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, expect

from tests.app.ui.test_shell import SCREENSHOTS, boot

ROOT = Path(__file__).resolve().parents[3]
ANSWER_TIMEOUT_MS = 8 * 60_000  # first use downloads and compiles the models

pytestmark = pytest.mark.browser


def models_built(*ids: str) -> bool:
    manifest = ROOT / "dist/models/manifest.json"
    if not manifest.is_file():
        return False
    have = {m["id"] for m in json.loads(manifest.read_text(encoding="utf-8"))["models"]}
    return set(ids) <= have


@pytest.fixture
def sent(context: BrowserContext) -> Iterator[list[tuple[str, str]]]:
    """(url, body) of every request the page and its workers make."""
    seen: list[tuple[str, str]] = []

    def record(request: Request) -> None:
        seen.append((request.url, request.post_data or ""))

    context.on("request", record)
    yield seen


def ask(page: Page, question: str, *, download: bool = False, held: bool = False) -> Any:
    """Ask ``question``; ``download``: the models are not on the device yet, so the tutor
    first asks to download them (app.ui.models), and the learner agrees; ``held``: the
    tutor will ask first and the test answers it (no exchange begins yet)."""
    exchanges = page.locator("#tutor-log .exchange")
    before = exchanges.count()
    page.locator("#tutor-form textarea").fill(question)
    page.locator("#tutor-form .ask").click()
    if download:
        page.locator("#tutor-consent button.consent-download").click(timeout=60_000)
    if not held:  # the new exchange, not the last one before it (the consent check comes first)
        expect(exchanges).to_have_count(before + 1, timeout=60_000)
    return exchanges.last


def assert_private(sent: list[tuple[str, str]], base_url: str, *typed: str) -> None:
    assert [url for url, _ in sent if not url.startswith(base_url + "/")] == []
    for url, body in sent:
        for text in typed:
            for word in text.split():
                if len(word) > 6:
                    assert word not in url and word not in body, f"{word!r} sent in {url}"


@pytest.mark.skipif(not models_built("multilingual-e5-small", "qwen2.5-coder-0.5b-instruct"),
                    reason="real models not built: run `make models`")
@pytest.mark.parametrize(
    ("lang", "question", "topic"),
    [
        ("en", "How do I create and activate an isolated environment with venv for my project?",
         "python.virtual-environments"),
        # A Russian question answered from an English-only trail.
        ("ru", "Как отменить последний коммит в git, но сохранить изменения в файлах?",
         "git.undoing-changes"),
    ],
)
def test_streamed_answer_cites_the_topic_that_holds_it(
    page: Page, sent: list[tuple[str, str]], base_url: str, lang: str, question: str, topic: str
) -> None:
    boot(page)
    if lang == "ru":
        page.get_by_role("button", name="Русский").click()
    exchange = ask(page, question, download=True)
    # Passages are shown before the model has written anything.
    expect(exchange.locator(".passages li").first).to_be_attached(timeout=ANSWER_TIMEOUT_MS)
    expect(exchange).to_have_attribute("data-status", "generating", timeout=ANSWER_TIMEOUT_MS)
    expect(exchange.locator(".answer-text")).not_to_be_empty(timeout=ANSWER_TIMEOUT_MS)
    streamed = exchange.locator(".answer-text").inner_text()
    expect(exchange).to_have_attribute("data-status", "done", timeout=ANSWER_TIMEOUT_MS)
    final = exchange.locator(".answer-text").inner_text()
    assert len(final) > len(streamed) > 0  # it arrived in pieces
    expect(exchange.locator(f".sources a[data-topic='{topic}']")).to_have_count(1)
    status = page.locator("#tutor-status .model[data-model='qwen2.5-coder-0.5b-instruct']")
    expect(status).to_have_attribute("data-device", "wasm")
    expect(status).to_have_attribute("data-dtype", "q8")
    page.screenshot(path=str(SCREENSHOTS / f"tutor-{lang}.png"), full_page=True)
    exchange.locator(f".sources a[data-topic='{topic}']").click()
    expect(page.locator("article.topic")).to_have_attribute("data-topic", topic)
    assert_private(sent, base_url, question)


@pytest.mark.skipif(not models_built("multilingual-e5-small", "qwen2.5-coder-0.5b-instruct"),
                    reason="models not built: run `make models`")
def test_stop_interrupts_the_answer(page: Page, sent: list[tuple[str, str]], base_url: str) -> None:
    # The real generator: a long answer streams for many seconds (the tiny random-weight
    # model may end at once at a random end-of-text token, too soon to be stopped).
    boot(page, "/#/topic/python.loops")
    question = "Explain loops at great length please, with many examples"
    exchange = ask(page, question, download=True)
    expect(exchange).to_have_attribute("data-status", "generating", timeout=ANSWER_TIMEOUT_MS)
    expect(exchange.locator(".answer-text")).not_to_be_empty(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#tutor-form .stop").click()
    expect(exchange).to_have_attribute("data-status", "stopped", timeout=10_000)
    expect(page.locator("#tutor-form .ask")).to_be_enabled()
    assert_private(sent, base_url, question)

@pytest.mark.skipif(not models_built("multilingual-e5-small", "tiny-qwen2"),
                    reason="models not built: run `make models`")
def test_an_off_topic_question_gets_no_made_up_answer_and_no_sources(
    page: Page, sent: list[tuple[str, str]], base_url: str
) -> None:
    boot(page, "/?tutor=tiny-qwen2#/")
    page.get_by_role("button", name="Русский").click()
    question = "Какой лучший дебют в настольной игре го?"
    exchange = ask(page, question, held=True)
    consent = page.locator("#tutor-consent button.consent-download")
    expect(consent.or_(exchange)).to_be_visible(timeout=60_000)
    if consent.is_visible():  # the first question of a fresh profile asks to download
        consent.click()
    expect(exchange).to_have_attribute("data-status", "uncovered", timeout=ANSWER_TIMEOUT_MS)
    expect(exchange.locator(".notice")).to_have_text(
        "В библиотеке нет материала по этому вопросу, поэтому наставник не выдумывает ответ.")
    expect(exchange.locator(".sources, .passages, .answer-text")).to_have_count(0)
    related = exchange.locator(".related a").first
    expect(related).to_be_visible()
    related.click()
    expect(page.locator("article.topic")).to_be_visible()
    assert_private(sent, base_url, question)


@pytest.mark.skipif(not models_built("multilingual-e5-small", "tiny-qwen2"),
                    reason="models not built: run `make models`")
def test_the_conversation_is_still_there_after_a_reload_and_a_browser_restart(
    browser_type: Any, browser_type_launch_args: dict[str, Any], base_url: str, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    topic = "/?tutor=tiny-qwen2#/topic/python.loops"
    context = browser_type.launch_persistent_context(profile, base_url=base_url, **browser_type_launch_args)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        boot(page, topic)
        for n, question in enumerate(("What does a for loop do?", "And a while loop?")):
            exchange = ask(page, question, download=n == 0)
            expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages"),
                                               timeout=ANSWER_TIMEOUT_MS)
        answers = page.locator("#tutor-log .exchange .answer-text").all_inner_texts()
        expect(page.locator("#tutor-notice")).to_have_text("")  # the device kept it
        page.reload()
        expect(page.locator("#tutor-log .exchange")).to_have_count(2, timeout=60_000)
        assert page.locator("#tutor-log .exchange .answer-text").all_inner_texts() == answers
        boot(page, "/#/topic/python.functions")  # another topic has a conversation of its own
        expect(page.locator("#tutor-log .exchange")).to_have_count(0)
    finally:
        context.close()
    context = browser_type.launch_persistent_context(profile, base_url=base_url, **browser_type_launch_args)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        boot(page, topic)
        expect(page.locator("#tutor-log .exchange")).to_have_count(2, timeout=60_000)
        expect(page.locator("#tutor-log .exchange").first).to_contain_text("What does a for loop do?")
    finally:
        context.close()
