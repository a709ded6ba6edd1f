"""The tutor's size on a small device, in the real page (Chromium, the worker's real model
store, the real multilingual-e5-small and SmolLM2-135M): ``navigator.deviceMemory`` is set
low by an init script (the one stand-in: this machine has plenty), the model manager
proposes the small tutor and says why; passages only downloads the embedder alone and the
tutor answers with passages; switching to the small tutor downloads it and it answers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.app.ui.test_models import wasm_size
from tests.app.ui.test_shell import boot
from tests.app.ui.test_tutor import ANSWER_TIMEOUT_MS, ask, models_built

EMBEDDER = "multilingual-e5-small"
SMALL = "smollm2-135m-instruct"
FULL = "qwen2.5-coder-0.5b-instruct"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not models_built(EMBEDDER, SMALL, FULL), reason="models not built: run `make models`"),
]

# A 2 GB device, and a record of every navigator.storage.persist() call (the real one still
# answers: headless Chromium never grants it, so nothing here depends on the grant).
SMALL_DEVICE = """
Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 2, configurable: true });
const persist = StorageManager.prototype.persist;
StorageManager.prototype.persist = function () {
  window.persistAsked = (window.persistAsked || 0) + 1;
  return persist.call(this);
};
"""


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def model_requests(page: Page) -> list[str]:
    """The ids of the models whose files the page or its worker fetch, as they are asked for."""
    seen: list[str] = []
    page.context.on("request", lambda r: seen.append(m.group(1)) if (
        m := re.search(r"/models/([^/]+)/", r.url)) else None)
    return seen


NAMES = {"full": "Full tutor", "small": "Small tutor", "passages": "Passages only"}


def choose(page: Page, tier: str) -> None:
    page.locator(f"li.tier[data-tier='{tier}'] button.tier-choose").click()
    # Named: the outcome of an earlier switch is still shown until the click is handled.
    expect(page.locator(".tier-outcome")).to_have_text(f"The tutor now uses: {NAMES[tier]}.",
                                                       timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(f"li.tier[data-tier='{tier}']")).to_have_attribute("data-current", "")


def test_a_small_device_gets_the_small_tutor_passages_only_and_a_switch_back(page: Page) -> None:
    page.add_init_script(SMALL_DEVICE)
    fetched = model_requests(page)
    boot(page, "/#/models")
    small = page.locator("li.tier[data-tier='small']")
    expect(small).to_have_attribute("data-suggested", "")
    expect(small).to_have_attribute("data-current", "")
    expect(page.locator(".tier-why")).to_have_text(
        "Small tutor: this device reports 2 GB of memory, too little for the full tutor beside the page")
    sizes = {"full": wasm_size(EMBEDDER) + wasm_size(FULL), "small": wasm_size(EMBEDDER) + wasm_size(SMALL),
             "passages": wasm_size(EMBEDDER)}
    for tier, size in sizes.items():
        expect(page.locator(f"li.tier[data-tier='{tier}'] .tier-size")).to_contain_text(
            f"Download: {megabytes(size)}", timeout=30_000)
    expect(small).to_contain_text("English only")

    choose(page, "passages")
    assert set(fetched) == {EMBEDDER}, fetched  # no generator byte
    assert page.evaluate("window.persistAsked") >= 1
    persisted = page.locator(".models-page .storage").get_attribute("data-persisted")
    expect(page.locator(".models-page .persist-asked")).to_contain_text(
        "agreed" if persisted == "true" else "declined")
    expect(page.locator(".tier-why")).to_have_text("Passages only: your choice in the model manager")

    page.evaluate("hash => { location.hash = hash }", "#/topic/python.loops")
    expect(page.locator("#tutor .intro-size")).to_have_text(
        f"The tutor here: passages only, about {megabytes(sizes['passages'])} to download.")
    exchange = ask(page, "What does a for loop do?")  # the embedder is stored: no consent
    expect(exchange).to_have_attribute("data-status", re.compile("passages|uncovered"),
                                       timeout=ANSWER_TIMEOUT_MS)
    expect(exchange.locator(".notice")).to_contain_text("Passages only, as chosen in the model manager")
    expect(page.locator("#tutor-status .tutor-choice")).to_have_text(
        "Passages only: your choice in the model manager")
    expect(page.locator("#tutor-status li.model")).to_have_count(1)  # no generator line

    page.evaluate("hash => { location.hash = hash }", "#/models")
    choose(page, "small")  # the tutor is running: it moves to the small model
    assert set(fetched) == {EMBEDDER, SMALL}, fetched
    expect(small.locator(".tier-size")).to_contain_text("all on this device")
    page.evaluate("hash => { location.hash = hash }", "#/topic/python.loops")
    exchange = ask(page, "What does a for loop do in Python?")
    expect(exchange).to_have_attribute("data-status", "generating", timeout=ANSWER_TIMEOUT_MS)
    expect(exchange).to_have_attribute("data-status", re.compile("done|passages"), timeout=ANSWER_TIMEOUT_MS)
    status = page.locator("#tutor-status")
    expect(status.locator(f".model[data-model='{SMALL}']")).to_have_attribute("data-phase", "ready")
    expect(status.locator(".tutor-choice")).to_have_text("Small tutor: your choice in the model manager")
    assert FULL not in fetched


def test_a_russian_learner_on_a_small_device_is_told_plainly_and_gets_passages(page: Page) -> None:
    page.add_init_script(SMALL_DEVICE)
    fetched = model_requests(page)
    boot(page, "/#/models")
    page.get_by_role("button", name="Русский").click()
    why = page.locator(".tier-why")
    expect(why).to_have_attribute("data-tier", "passages")
    expect(why).to_contain_text("у устройства 2 ГБ памяти")
    expect(why).to_contain_text("Малый наставник пишет только по-английски, поэтому по-русски наставник "
                                "отвечает отрывками.")
    expect(page.locator("li.tier[data-tier='small']")).to_contain_text("Пишет только по-английски")
    page.evaluate("hash => { location.hash = hash }", "#/topic/python.loops")
    expect(page.locator("#tutor .intro-size")).to_contain_text(
        f"«Только отрывки», загрузка около {wasm_size(EMBEDDER) / 1_000_000:.0f} МБ")
    ask(page, "Что делает цикл for?", held=True)
    consent = page.locator("#tutor-consent")
    expect(consent).to_contain_text(f"{EMBEDDER} (поиск, {wasm_size(EMBEDDER) / 1_000_000:.0f} МБ)",
                                    timeout=60_000)
    expect(consent).not_to_contain_text(SMALL)
    consent.locator("button.consent-later").click()
    assert fetched == []
