"""The model manager (#/models) and the tutor's download consent in the real page: the
worker's real model store, the tiny generator (``?tutor=tiny-qwen2``) and the library's
real embedder (the passages are embedded with it), Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.ui.test_quiz_review import AXE, serious_violations
from tests.app.ui.test_shell import boot
from tests.app.ui.test_tutor import ANSWER_TIMEOUT_MS, ask, models_built

ROOT = Path(__file__).resolve().parents[3]
EMBEDDER = "multilingual-e5-small"
GENERATOR = "tiny-qwen2"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not models_built(EMBEDDER, GENERATOR), reason="models not built: run `make models`"),
]

# Every value a <progress> in the model's row shows, recorded as the page draws it.
RECORD_PROGRESS = """(model) => {
  window.seenProgress = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll(`.stored-model[data-model="${model}"] progress`)) {
      window.seenProgress.push([Number(bar.value), Number(bar.max)]);
    }
  }).observe(document.body, { childList: true, subtree: true });
}"""


def wasm_size(model: str) -> int:
    """Bytes of the files a WASM load of ``model`` fetches: its configs and its q8 ONNX file."""
    manifest = json.loads((ROOT / "dist/models/manifest.json").read_text(encoding="utf-8"))
    entry: dict[str, Any] = next(m for m in manifest["models"] if m["id"] == model)
    onnx = entry["dtype_files"]["q8"]
    return sum(f["size"] for f in entry["files"]
               if not f["path"].startswith("onnx/") or f["path"].startswith(onnx))


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def test_download_verify_reload_and_delete_a_model(page: Page) -> None:
    boot(page, f"/?tutor={GENERATOR}#/topic/python.loops")
    expect(page.locator("header nav.mine a.models-link")).to_have_text("AI models")
    page.locator("#tutor a.models-link").click()
    expect(page.locator("section.models-page h1")).to_have_text("AI models on this device")
    rows = page.locator("tr.stored-model")
    row = page.locator(f"tr.stored-model[data-model='{GENERATOR}']")
    expect(row).to_have_attribute("data-state", "absent")
    expect(row.locator(".state-text")).to_have_text("not downloaded")
    expect(row).to_contain_text("the tutor: writes the answers")
    expect(row.locator(".in-use")).to_have_text("used by the tutor")
    expect(row.locator(".size")).to_have_text(f"{wasm_size(GENERATOR) / 1000:.0f} kB")
    embedder = page.locator(f"tr.stored-model[data-model='{EMBEDDER}']")
    expect(embedder).to_contain_text("search: finds the passages")
    expect(embedder.locator(".size")).to_have_text(megabytes(wasm_size(EMBEDDER)))
    expect(rows.filter(has=page.locator(".model-id", has_text="tiny-llama"))).to_have_count(0)
    expect(page.locator(".models-page .storage")).to_contain_text("free")

    page.evaluate(RECORD_PROGRESS, GENERATOR)
    row.locator("button.model-download").click()
    expect(row).to_have_attribute("data-state", "stored", timeout=60_000)
    expect(row.locator(".state-text")).to_contain_text("on this device")
    expect(row.locator(".model-outcome")).to_contain_text("Downloaded")
    seen = page.evaluate("window.seenProgress")
    assert any(0 < value < top for value, top in seen), seen  # a bar that moved

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    expect(row).to_have_attribute("data-state", "stored", timeout=30_000)
    row.locator("button.model-verify").click()
    expect(row.locator(".model-outcome")).to_contain_text("every piece is intact", timeout=30_000)

    row.locator("button.model-delete").click()
    expect(row).to_have_attribute("data-state", "absent", timeout=30_000)
    expect(row.locator(".model-outcome")).to_contain_text("freed")
    expect(row.locator("button.model-delete")).to_have_count(0)
    page.get_by_role("button", name="Русский").click()
    expect(row.locator(".state-text")).to_have_text("не скачана")


def test_the_first_ask_says_what_it_downloads_and_never_asks_again(page: Page) -> None:
    boot(page, f"/?tutor={GENERATOR}#/topic/python.loops")
    model_files: list[str] = []
    page.context.on("request", lambda r: model_files.append(r.url) if re.search(
        r"/models/[^/]+/", r.url) else None)
    question = "What does a for loop do?"
    ask(page, question, held=True)
    consent = page.locator("#tutor-consent")
    size = wasm_size(EMBEDDER) + wasm_size(GENERATOR)
    expect(consent).to_contain_text(
        f"The tutor needs 2 models, {megabytes(size)} in all, downloaded once and kept on this device",
        timeout=60_000)
    expect(consent).to_contain_text(f"{EMBEDDER} (search, {megabytes(wasm_size(EMBEDDER))})")
    expect(consent).to_contain_text(question)

    consent.locator("button.consent-later").click()
    expect(consent.locator(".consent-declined")).to_be_visible()
    expect(page.locator("#tutor-form textarea")).to_have_value(question)  # given back
    expect(page.locator("#tutor-log .exchange")).to_have_count(0)
    assert model_files == []  # not one model byte was asked for

    page.locator("#tutor-form .ask").click()
    consent.locator("button.consent-download").click()
    exchange = page.locator("#tutor-log .exchange").last
    expect(exchange).to_have_attribute("data-status", "generating", timeout=ANSWER_TIMEOUT_MS)
    # The tiny random-weight generator writes no language the tutor accepts: after its
    # second try the exchange ends with the cited passages; it did generate.
    expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages"),
                                       timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator(f"#tutor-status .model[data-model='{GENERATOR}']")).to_have_attribute(
        "data-phase", "ready")
    expect(consent).to_be_empty()

    page.reload()  # the models are stored: the next visit's first question is not held
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=90_000)
    exchange = ask(page, "And a while loop?")
    expect(page.locator("#tutor-log .exchange")).to_have_count(2)
    expect(exchange).to_have_attribute("data-status", re.compile("done|stopped|passages|uncovered"),
                                       timeout=ANSWER_TIMEOUT_MS)
    expect(consent).to_be_empty()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
def test_the_model_page_and_the_consent_have_no_serious_accessibility_violations(
        browser: Browser, base_url: str) -> None:
    # The page's CSP forbids inline scripts, as it should; axe is injected past it.
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block")
    try:
        page = context.new_page()
        boot(page, f"/?tutor={GENERATOR}#/models")
        row = page.locator(f"tr.stored-model[data-model='{GENERATOR}']")
        row.locator("button.model-download").click()
        expect(row).to_have_attribute("data-state", "stored", timeout=60_000)
        found: list[str] = []
        for lang in ("en", "ru"):
            page.locator(f"header button.lang[data-lang='{lang}']").click()
            page.evaluate("hash => { location.hash = hash }", "#/models")
            expect(row.locator("button.model-delete")).to_be_visible()
            found += serious_violations(page, f"{lang} #/models")
        page.evaluate("hash => { location.hash = hash }", "#/topic/python.loops")
        ask(page, "Что такое цикл?", held=True)
        expect(page.locator("#tutor-consent h3")).to_be_visible(timeout=60_000)
        found += serious_violations(page, "ru consent")
        assert found == []
    finally:
        context.close()
