"""The real page in Chromium: PyScript boots on self-hosted Pyodide and the Python UI
renders the compiled library. Expected values come from dist/content/library.json and
the Markdown sources, never from the page itself."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Request, Route, expect

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "docs" / "screenshots"
BOOT_TIMEOUT_MS = 90_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    return json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8"))


@pytest.fixture
def requests(context: BrowserContext) -> Iterator[list[str]]:
    """Every URL the page and its workers ask for."""
    seen: list[str] = []

    def record(request: Request) -> None:
        seen.append(request.url)

    context.on("request", record)
    yield seen


def boot(page: Page, path: str = "/") -> None:
    page.goto(path)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)


def roadmaps_in(library: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    ids = list(dict.fromkeys(r["id"] for r in library["roadmaps"]))
    by_key = {(r["id"], r["lang"]): r for r in library["roadmaps"]}
    return [by_key.get((rid, lang)) or by_key[(rid, "en")] for rid in ids]


def test_page_boots_offline_from_loopback_and_lists_roadmaps(
    page: Page, requests: list[str], base_url: str, library: dict[str, Any]
) -> None:
    boot(page)
    expected = [r["title"] for r in roadmaps_in(library, "en")]
    expect(page.locator(".card h2")).to_have_text(expected)
    assert len(expected) >= 3
    outside = [url for url in requests if not url.startswith(base_url + "/")]
    assert outside == []
    assert any("/pyodide.asm.wasm" in url for url in requests)  # the self-hosted runtime
    assert page.evaluate("crossOriginIsolated") is True
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "library.png"))


def test_topic_page_renders_from_the_compiled_library(page: Page, library: dict[str, Any]) -> None:
    roadmap = next(r for r in library["roadmaps"] if r["id"] == "python" and r["lang"] == "en")
    topic_id = roadmap["sections"][2]["topics"][-1]
    topic = next(t for t in library["topics"] if t["id"] == topic_id and t["lang"] == "en")
    boot(page)
    page.locator(".card", has_text=roadmap["title"]).locator("a").click()
    expect(page.locator("article.roadmap h1")).to_have_text(roadmap["title"])
    expect(page.locator(".graph-wide .band-group")).to_have_count(len(roadmap["sections"]))
    page.locator(f".graph-wide a.node[data-topic='{topic_id}']").click()
    expect(page).to_have_url(re.compile(f"#/topic/{re.escape(topic_id)}$"))
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    # A sentence of the Markdown source shows up in the rendered prose.
    source = (ROOT / topic["source"]).read_text(encoding="utf-8")
    first_sentence = source.split("\n# ", 1)[1].split("\n\n", 1)[1].split(". ")[0]
    plain = re.sub(r"[`*_]", "", first_sentence)
    expect(page.locator(".prose")).to_contain_text(plain[:60])
    expect(page.locator(".resources li")).to_have_count(len(topic["resources"]))
    assert page.title() == f"{topic['title']} · Tropa"
    page.screenshot(path=str(SCREENSHOTS / "topic.png"), full_page=False)
    page.go_back()
    expect(page.locator("article.roadmap h1")).to_have_text(roadmap["title"])


def test_language_switch_shows_russian_ui_and_translated_trail(
    page: Page, library: dict[str, Any]
) -> None:
    ru_python = next(r for r in library["roadmaps"] if r["id"] == "python" and r["lang"] == "ru")
    english_only = next(r["id"] for r in library["roadmaps"]
                        if not any(o["id"] == r["id"] and o["lang"] == "ru"
                                   for o in library["roadmaps"]))
    boot(page, "/#/roadmap/python")
    page.get_by_role("button", name="Русский").click()
    expect(page.locator(".graph-wide .band-title").first).to_contain_text(ru_python["sections"][0]["title"])
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.screenshot(path=str(SCREENSHOTS / "roadmap-ru.png"))
    page.reload()  # the choice is remembered on the device
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator(".crumbs")).to_contain_text("Библиотека")
    page.goto(f"/#/roadmap/{english_only}")
    expect(page.locator(".notice")).to_have_text("Эта тропа пока есть только на английском.")


def test_unknown_address_shows_not_found(page: Page) -> None:
    boot(page, "/#/topic/no-such.topic")
    expect(page.locator("[data-view=not-found] h1")).to_have_text("Nothing here")


def test_failed_library_download_is_shown_and_retry_recovers(
    page: Page, library: dict[str, Any]
) -> None:
    def drop(route: Route) -> None:
        route.abort("connectionreset")

    page.route("**/content/library.json", drop)
    page.goto("/")
    app = page.locator("#app")
    expect(app).to_have_attribute("data-state", "error", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("[data-view=error] .reason")).to_contain_text("/content/library.json")
    page.unroute("**/content/library.json")
    page.get_by_role("button", name="Try again").click()
    expect(app).to_have_attribute("data-state", "ready")
    expect(page.locator(".card")).to_have_count(len(roadmaps_in(library, "en")))


def test_phone_layout(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    boot(page, "/#/topic/python.comprehensions")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    page.screenshot(path=str(SCREENSHOTS / "phone-topic.png"))
    context.close()
