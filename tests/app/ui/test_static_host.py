"""dist/ on a plain static host (no FastAPI): learning works, progress stays on the
device, the account says there is no server. Served by ``tests.support.static_host``
(Python's http.server) with the isolation headers, and once with no headers at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot
from tests.support.static_host import serving

ROOT = Path(__file__).resolve().parents[3]
DIST = ROOT / "dist"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    return json.loads((DIST / "content/library.json").read_text(encoding="utf-8"))


@pytest.fixture
def static_context(browser: Browser, request: pytest.FixtureRequest) -> Iterator[BrowserContext]:
    """A context (service workers allowed) on dist/ from the static server; the test's
    ``isolated`` parameter says whether it sends the isolation headers."""
    with serving(DIST, isolated=request.param) as url:
        context = browser.new_context(base_url=url)
        yield context
        context.close()


def first_topic(library: dict[str, Any]) -> dict[str, Any]:
    roadmap = next(r for r in library["roadmaps"] if r["id"] == "python" and r["lang"] == "en")
    topic_id = roadmap["sections"][0]["topics"][1]
    found: dict[str, Any] = next(t for t in library["topics"] if t["id"] == topic_id and t["lang"] == "en")
    return found


def mark_done_and_reload(page: Page, topic: dict[str, Any]) -> None:
    page.locator(".card", has_text="Python").first.locator("a").click()
    page.locator(f".graph-wide a.node[data-topic='{topic['id']}']").click()
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    done = page.locator("[data-action=mark][data-status=done]")
    done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    expect(page.locator("[data-action=mark][data-status=done]")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("static_context", [True], indirect=True)
def test_static_host_with_isolation_headers(static_context: BrowserContext,
                                            library: dict[str, Any]) -> None:
    page = static_context.new_page()
    api: list[int] = []
    page.on("response", lambda response: api.append(response.status) if "/api/" in response.url else None)
    boot(page)
    assert page.evaluate("crossOriginIsolated") is True
    titles = [r["title"] for r in library["roadmaps"] if r["lang"] == "en"]
    expect(page.locator(".card h2")).to_have_text(titles)
    # No account server: the header says so quietly, the account page says what it means.
    badge = page.locator("#account-badge[data-server=none]")
    expect(badge).to_have_text("No account server: kept on this device")
    assert api and all(status == 404 for status in api)  # asked, and the static host has none
    topic = first_topic(library)
    mark_done_and_reload(page, topic)
    badge.locator("a").click()
    expect(page.locator("[data-view=account] .notice")).to_contain_text("runs without one")
    expect(page.locator("[data-action=sign-in], .sign-in")).to_have_count(0)
    # Offline, once the service worker holds the shell: the topic opens from it.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    static_context.set_offline(True)
    page.goto(f"/#/topic/{topic['id']}")
    page.reload()
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("[data-action=mark][data-status=done]")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("static_context", [False], indirect=True)
def test_static_host_without_any_headers(static_context: BrowserContext,
                                         library: dict[str, Any]) -> None:
    """The plainest host (no isolation: no threaded WASM for the tutor) still teaches."""
    page = static_context.new_page()
    boot(page)
    assert page.evaluate("crossOriginIsolated") is False
    mark_done_and_reload(page, first_topic(library))
