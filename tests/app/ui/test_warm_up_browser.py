"""The tutor warmed up at start-up in the real page (Shell.warm_up): Chromium, the worker's
real model store, the library's real embedder and the tiny generator (``?tutor=tiny-qwen2``).

On a fresh device nothing is loaded or fetched before the learner agrees to the download;
once the models are stored, the next visit loads both in the background before any
question, the panel shows them ready, the questions need no consent, and every answer's
prompt reuses the worker's cached system prefix (the ``reused_tokens`` it reports).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_shell import boot
from tests.app.ui.test_tutor import ANSWER_TIMEOUT_MS, ask, models_built

EMBEDDER = "multilingual-e5-small"
GENERATOR = "tiny-qwen2"
TOPIC = f"/?tutor={GENERATOR}#/topic/python.loops"
FINAL = re.compile("done|stopped|passages|uncovered")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not models_built(EMBEDDER, GENERATOR), reason="models not built: run `make models`"),
]

# The worker's replies the page receives: every `models` listing and every generate result
# (figures only), recorded before the page's own scripts run.
RECORD_REPLIES = """
window.__replies = { models: 0, generated: [] };
const Native = window.Worker;
window.Worker = class extends Native {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', ({ data }) => {
      if (data?.type !== 'result') return;
      if ('models' in data.payload && 'quota' in data.payload) window.__replies.models += 1;
      if ('prompt_tokens' in data.payload) {
        const { prompt_tokens, reused_tokens } = data.payload;
        window.__replies.generated.push({ prompt_tokens, reused_tokens });
      }
    });
  }
};
"""


def model_line(page: Page, model: str) -> object:
    return page.locator(f"#tutor-status .model[data-model='{model}']")


def test_stored_models_load_before_the_first_question_and_never_without_consent(page: Page) -> None:
    page.add_init_script(RECORD_REPLIES)
    model_files: list[str] = []
    page.context.on("request", lambda r: model_files.append(r.url) if re.search(
        r"/models/[^/]+/", r.url) else None)
    boot(page, TOPIC)
    # A fresh device: the warm-up asks the model store what it has, finds nothing, loads nothing.
    page.wait_for_function("window.__replies.models > 0", timeout=60_000)
    expect(page.locator("#tutor-status .model:not([data-phase='idle'])")).to_have_count(0)
    assert model_files == []

    ask(page, "What does a for loop do?", download=True)
    expect(page.locator("#tutor-log .exchange").last).to_have_attribute(
        "data-status", FINAL, timeout=ANSWER_TIMEOUT_MS)

    page.reload()  # the next visit: the models are in the store
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    # Both load with no question asked, and the panel says so.
    expect(model_line(page, EMBEDDER)).to_have_attribute("data-phase", "ready", timeout=ANSWER_TIMEOUT_MS)
    expect(model_line(page, GENERATOR)).to_have_attribute("data-phase", "ready", timeout=ANSWER_TIMEOUT_MS)
    expect(model_line(page, GENERATOR)).to_have_attribute("data-device", "wasm")
    assert page.evaluate("window.__replies.generated") == []  # nothing asked yet
    for question in ("What does a while loop do?", "How do I stop a loop early with break?"):
        exchange = ask(page, question)
        expect(exchange).to_have_attribute("data-status", FINAL, timeout=ANSWER_TIMEOUT_MS)
        expect(page.locator("#tutor-consent")).to_be_empty()
    generated = page.evaluate("window.__replies.generated")
    assert len(generated) >= 2
    # The system message's keys and values came from the worker's prefix cache every time.
    assert all(0 < g["reused_tokens"] < g["prompt_tokens"] for g in generated), generated
