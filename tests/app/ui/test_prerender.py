"""The prerendered pages in Chromium: readable while Python has not started (its runtime
held back or refused), followed by links, the back button and the language buttons before
the app runs, then taken over by the app. Expected text comes from
dist/content/library.json and dist/pages/, never from the page itself."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot

ROOT = Path(__file__).resolve().parents[3]
# PyScript's module (which loads Pyodide) and Pyodide itself; not PyScript's stylesheet,
# which is render-blocking (held back, the page would wait for it, as for any stylesheet).
RUNTIME = re.compile(r"/vendor/(pyscript|pyodide)@[^/]+/(?!.*\.css$)")

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def library() -> dict[str, Any]:
    return json.loads((ROOT / "dist/content/library.json").read_text(encoding="utf-8"))


def topic_of(library: dict[str, Any], topic_id: str, lang: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in library["topics"] if t["id"] == topic_id and t["lang"] == lang)
    return found


def trail(library: dict[str, Any], roadmap_id: str = "python") -> list[str]:
    roadmap = next(r for r in library["roadmaps"] if r["id"] == roadmap_id and r["lang"] == "en")
    return [topic for section in roadmap["sections"] for topic in section["topics"]]


def prerendered(lang: str, name: str) -> dict[str, Any]:
    path = ROOT / "dist/pages" / lang / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def refuse_runtime(page: Page) -> None:
    page.route(RUNTIME, lambda route: route.abort("blockedbyclient"))


def test_topic_is_readable_and_navigable_with_python_refused(page: Page, library: dict[str, Any]) -> None:
    refuse_runtime(page)
    first, second = trail(library)[1:3]
    page.goto(f"/#/topic/{first}")
    topic = topic_of(library, first, "en")
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    expect(page.locator(".boot-note")).to_contain_text("the app is still starting")
    expect(page.locator(".resources li")).to_have_count(len(topic["resources"]))
    assert page.title() == f"{topic['title']} · Tropa"
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description == prerendered("en", f"topic/{first}")["description"]
    assert page.locator("#app").get_attribute("data-state") is None  # no app ran
    # The status line follows PyScript's own progress events.
    expect(page.locator(".boot-stage")).to_have_text("loading Python…")
    page.evaluate("dispatchEvent(new CustomEvent('py:progress', {detail: 'Loading packages'}))")
    expect(page.locator(".boot-stage")).to_have_text("loading the app's packages…")
    # Links and the back button work before the app does.
    page.locator(".pager a.next").click()
    expect(page).to_have_url(re.compile(f"#/topic/{re.escape(second)}$"))
    expect(page.locator("article.topic h1")).to_have_text(topic_of(library, second, "en")["title"])
    page.go_back()
    expect(page.locator("article.topic h1")).to_have_text(topic["title"])
    # So does the language switch: the Russian page, remembered for the app.
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("article.topic h1")).to_have_text(topic_of(library, first, "ru")["title"])
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".boot-note")).to_contain_text("приложение ещё запускается")
    assert page.evaluate("localStorage.getItem('tropa.lang')") == "ru"
    page.locator(".crumbs a").first.click()
    expect(page.locator("[data-view=home] h1")).to_have_text("Тропы")


def test_russian_learner_gets_the_russian_page_first(page: Page, library: dict[str, Any]) -> None:
    refuse_runtime(page)
    page.goto("/")
    page.evaluate("localStorage.setItem('tropa.lang', 'ru')")
    page.goto("/#/roadmap/python")
    page.reload()
    ru = next(r for r in library["roadmaps"] if r["id"] == "python" and r["lang"] == "ru")
    expect(page.locator("article.roadmap h1")).to_have_text(ru["title"])
    expect(page.locator(".graph-wide .band-title").first).to_contain_text(ru["sections"][0]["title"])
    # A page only the app draws (the learner's notes) shows the splash, not a wrong page.
    page.goto("/#/notes")
    expect(page.locator("#app .boot-mark")).to_have_text("Tropa")
    expect(page.locator("#app [data-view]")).to_have_count(0)


def test_the_app_takes_over_the_prerendered_page(page: Page, library: dict[str, Any]) -> None:
    held: list[Route] = []
    page.route(RUNTIME, lambda route: held.append(route))
    first = trail(library)[1]
    # "load" waits for PyScript's module, held back here.
    page.goto(f"/#/topic/{first}", wait_until="commit")
    title = topic_of(library, first, "en")["title"]
    expect(page.locator("article.topic h1")).to_have_text(title)
    prose = page.locator(".prose").inner_html()
    page.evaluate("document.querySelector('.prose').seenBeforeTheApp = true")  # not markup
    # The marks of a learner who has marked nothing; the app puts in the learner's own.
    expect(page.locator(".marks [aria-pressed=true]")).to_have_count(0)
    assert held  # PyScript's module has been asked for and is held back
    for route in held:
        route.continue_()
    page.unroute(RUNTIME)
    app = page.locator("#app")
    expect(app).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator(".boot-note")).to_have_count(0)
    expect(page.locator("article.topic h1")).to_have_text(title)
    # The same nodes: the text being read is not drawn again ...
    assert page.evaluate("document.querySelector('.prose').seenBeforeTheApp") is True
    assert page.locator(".prose").inner_html() == prose  # ... the same markup from the same code
    # ... and the page is the one the app draws: drawn again from scratch, nothing changes
    # (once the account corner, which answers on its own, has been drawn: "Sign in").
    expect(page.locator("#account-badge .sign-in")).to_be_visible(timeout=BOOT_TIMEOUT_MS)
    taken_over = page.locator("#app").inner_html()
    page.get_by_role("button", name="English").click()
    assert page.locator("#app").inner_html() == taken_over
    done = page.locator("[data-action=mark][data-status=done]")
    done.click()  # the marks are the app's now
    expect(done).to_have_attribute("aria-pressed", "true")
    # The app's links and language switch.
    page.locator(".pager a.next").click()
    expect(page.locator("article.topic h1")).to_have_text(topic_of(library, trail(library)[2], "en")["title"])
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("article.topic h1")).to_have_text(topic_of(library, trail(library)[2], "ru")["title"])
    expect(page.locator(".boot-note")).to_have_count(0)


def test_home_is_in_the_page_itself(page: Page, library: dict[str, Any]) -> None:
    """The English library needs no request of its own: it is in index.html."""
    refuse_runtime(page)
    page.route("**/pages/**", lambda route: route.abort("blockedbyclient"))
    page.goto("/")
    titles = [r["title"] for r in library["roadmaps"] if r["lang"] == "en"]
    expect(page.locator(".card h2")).to_have_text(titles)
    boot_page = page.context.new_page()
    boot(boot_page, "/")
    expect(boot_page.locator(".card h2")).to_have_text(titles)
