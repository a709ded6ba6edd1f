"""Notes, search and the learner's data file in the real page: a note written under a
topic is kept across a reload and listed on the notes page; the header's search finds
topics by English and Russian words without loading a model; the data file exported
from one browser restores the note and a mark in a fresh one, and a broken file is
refused with its reason while nothing changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.app.ui.test_quiz_review import AXE, serious_violations
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, ROOT, boot, requests
from tests.conftest import model_files

__all__ = ["requests"]  # the fixture, shared with test_shell

pytestmark = pytest.mark.browser

TOPIC = "python.loops"
MODEL_TIMEOUT_MS = 5 * 60_000  # the embedder is fetched and compiled on first use
NOTE = "**for** walks an iterable; `while` waits for a condition."


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8"))
    return data


def write_note(page: Page, text: str) -> None:
    page.locator("#note-text").fill(text)
    page.locator(".note-form .note-save").click()
    expect(page.locator(".note-status")).to_have_text("Note saved.")


def count(page: Page, collection: str) -> Any:
    return expect(page.locator(f".data-counts tr[data-collection='{collection}'] td"))


def test_a_note_is_kept_across_a_reload_listed_and_deleted(page: Page, library: dict[str, Any]) -> None:
    title = next(t["title"] for t in library["topics"] if t["id"] == TOPIC and t["lang"] == "en")
    boot(page, f"/#/topic/{TOPIC}")
    expect(page.locator(".note-body")).to_have_count(0)
    write_note(page, NOTE)
    body = page.locator(".note .note-body")
    expect(body.locator("strong")).to_have_text("for")  # Markdown, rendered
    expect(body.locator("code")).to_have_text("while")

    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator(".note .note-body strong")).to_have_text("for")
    expect(page.locator("#note-text")).to_have_value(NOTE)
    # Text typed but not saved stays in the editor when a mark redraws the page.
    page.locator("#note-text").fill("half a thought")
    learning = page.locator(f".marks button[data-status='learning'][data-topic='{TOPIC}']")
    learning.click()
    expect(learning).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#note-text")).to_have_value("half a thought")

    page.locator("header nav.mine a[href='#/notes']").click()
    item = page.locator(f".note-list .note-item[data-topic='{TOPIC}']")
    expect(item.locator("h2 a")).to_have_text(title)
    expect(item.locator(".note-body code")).to_have_text("while")
    item.locator("h2 a").click()
    expect(page.locator("article.topic")).to_have_attribute("data-topic", TOPIC)

    page.locator(".note-form .note-delete").click()
    expect(page.locator(".note-status")).to_have_text("Note deleted.")
    expect(page.locator(".note-body")).to_have_count(0)
    page.goto("/#/notes")
    expect(page.locator(".notes .empty-list")).to_be_visible()


def test_search_finds_topics_by_english_and_russian_words_without_a_model(
    page: Page, requests: list[str]
) -> None:
    boot(page, "/#/")
    page.locator("#search-q").fill("comprehensions")
    page.locator("#search-q").press("Enter")
    first = page.locator(".results .result").first
    expect(first).to_have_attribute("data-topic", "python.comprehensions")
    assert page.evaluate("location.hash") == "#/search?q=comprehensions"
    expect(first.locator(".snippet mark").first).to_have_text("comprehension", ignore_case=True)
    expect(page.locator(".search-how")).to_contain_text("By words")

    page.locator("#search-q").fill("функциями")  # a form the text does not hold: found by its stem
    page.locator(".search-box button").click()
    first = page.locator(".results .result").first
    expect(first).to_have_attribute("data-topic", "python.functions")
    expect(first).to_have_attribute("lang", "ru")
    expect(first.locator("h2 a")).to_have_text("Функции")
    first.locator("h2 a").click()
    expect(page.locator("article.topic")).to_have_attribute("data-topic", "python.functions")
    assert model_files(requests) == []  # search loaded no model file


def test_the_data_file_restores_a_note_and_a_mark_in_a_fresh_browser_and_a_broken_one_changes_nothing(
    page: Page, browser: Browser, base_url: str, tmp_path: Path
) -> None:
    boot(page, f"/#/topic/{TOPIC}")
    page.locator(f".marks button[data-status='done'][data-topic='{TOPIC}']").click()
    write_note(page, NOTE)
    page.locator("header nav.mine a[href='#/data']").click()
    count(page, "notes").to_have_text("1")
    count(page, "progress").to_have_text("1")
    with page.expect_download() as download:
        page.locator(".your-data button.export").click()
    name = download.value.suggested_filename
    assert name.startswith("tropa-data-") and name.endswith(".json")
    saved = tmp_path / name
    download.value.save_as(saved)
    expect(page.locator(".data-message")).to_have_text(f"Saved as {name}.")
    file = json.loads(saved.read_text(encoding="utf-8"))
    assert file["collections"]["notes"][TOPIC]["text"] == NOTE
    assert file["collections"]["progress"][TOPIC]["status"] == "done"

    fresh = browser.new_context(base_url=base_url, service_workers="block")
    try:
        other = fresh.new_page()
        boot(other, "/#/data")
        count(other, "notes").to_have_text("0")
        other.locator("#data-file").set_input_files(str(saved))
        other.locator(".import button[type='submit']").click()
        expect(other.locator(".data-message")).to_contain_text(f"imported from {name}: ",
                                                               timeout=BOOT_TIMEOUT_MS)
        expect(other.locator("#app")).to_have_attribute("data-state", "ready")
        count(other, "notes").to_have_text("1")
        count(other, "progress").to_have_text("1")

        # Broken: a mark for another topic beside a note that is not one; then not JSON.
        broken = json.loads(saved.read_text(encoding="utf-8"))
        broken["collections"]["progress"]["python.functions"] = {"status": "done", "at": 1}
        broken["collections"]["notes"][TOPIC] = {"text": 42, "at": 1}
        for content, reason in ((json.dumps(broken), f"notes '{TOPIC}': not a note"),
                                (saved.read_text(encoding="utf-8")[:40], "not valid JSON (line")):
            other.locator("#data-file").set_input_files(
                {"name": "broken.json", "mimeType": "application/json", "buffer": content.encode()})
            other.locator(".import button[type='submit']").click()
            expect(other.locator(".data-error")).to_have_text("broken.json was not imported, and nothing "
                                                              "here was changed.")
            expect(other.locator(".data-detail")).to_contain_text(reason)
        count(other, "progress").to_have_text("1")

        other.goto(f"/#/topic/{TOPIC}")
        expect(other.locator(".note .note-body strong")).to_have_text("for")
        expect(other.locator(f".marks button[data-status='done'][data-topic='{TOPIC}']")).to_have_attribute(
            "aria-pressed", "true")
        other.goto("/#/topic/python.functions")
        expect(other.locator(".marks button[data-status='done'][data-topic='python.functions']")
               ).to_have_attribute("aria-pressed", "false")
    finally:
        fresh.close()


def test_search_adds_results_by_meaning_once_the_tutor_has_loaded_its_embedder(
    page: Page, library: dict[str, Any]
) -> None:
    embedder = library["retrieval"]["model"]
    boot(page, "/?tutor=tiny-llama#/topic/python.loops")  # a tiny generator: the embedder is real
    page.locator("#tutor-form textarea").fill("What does a for loop do?")
    page.locator("#tutor-form .ask").click()
    page.locator("#tutor-consent .consent-download").click()  # the first download is asked first
    expect(page.locator(f"#tutor-status [data-model='{embedder}']")).to_have_attribute(
        "data-phase", "ready", timeout=MODEL_TIMEOUT_MS)
    page.locator("#search-q").fill("iteraton colection")  # misspelt: no word matches
    page.locator("#search-q").press("Enter")
    expect(page.locator("section.search")).to_have_attribute("data-by-meaning", "true",
                                                             timeout=MODEL_TIMEOUT_MS)
    expect(page.locator(".search-how")).to_contain_text("Words and meaning")
    found = page.locator(".results .result")
    expect(found.first.locator(".meta")).to_contain_text("close in meaning")
    topics = [str(found.nth(i).get_attribute("data-topic")) for i in range(found.count())]
    assert {"python.loops", "python.iterators-and-generators", "python.comprehensions"} & set(topics)



@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install)")
def test_the_notes_search_and_data_views_have_no_serious_accessibility_violations(
    browser: Browser, base_url: str
) -> None:
    # The page's CSP forbids inline scripts, as it should; axe is injected past it.
    context = browser.new_context(base_url=base_url, bypass_csp=True, service_workers="block")
    try:
        page = context.new_page()
        boot(page, f"/#/topic/{TOPIC}")
        write_note(page, NOTE)
        found: list[str] = []
        for lang in ("en", "ru"):
            page.locator(f"header button.lang[data-lang='{lang}']").click()
            for view, shown in ((f"#/topic/{TOPIC}", ".note .note-body"), ("#/notes", ".note-list"),
                                ("#/search?q=loop", ".results"), ("#/data", ".data-counts")):
                page.evaluate("hash => { location.hash = hash }", view)
                expect(page.locator(shown)).to_be_visible()
                found += serious_violations(page, f"{lang} {view}")
        assert found == []
    finally:
        context.close()
