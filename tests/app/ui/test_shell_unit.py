"""The shell under CPython: a fake Page in place of the DOM, the real views and services.

The same behaviour in Chromium is in test_shell.py; these run without a browser.
"""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from app.core.library.catalog import Library
from app.core.settings import Settings
from app.core.tutor.conversation import Scope
from app.services.library import load_library
from app.services.tutor import Tutor
from app.ui.shell import Shell
from tests.app.core.library.test_catalog import DATA
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeElement, FakeInference, FakePage, FakePreferences, bag_of_words


def make_shell(documents: dict[str, Any], page: FakePage) -> tuple[Shell, FakeApi, FakePreferences]:
    api = FakeApi(documents)
    preferences = FakePreferences()

    async def library() -> Library:
        return await load_library(api)

    def tutor(library: Library, on_change: Any) -> Tutor:
        raise AssertionError("no tutor is built until the learner asks")

    shell = Shell(page, preferences, "en", library, tutor)
    shell.mount()
    return shell, api, preferences


def click(action: str, **data: str) -> SimpleNamespace:
    button = SimpleNamespace(tagName="BUTTON", dataset=SimpleNamespace(action=action, **data))
    return SimpleNamespace(target=SimpleNamespace(closest=lambda _selector: button))


def test_the_library_loads_renders_and_follows_the_address() -> None:
    page = FakePage("#/roadmap/py")
    shell, _, _ = make_shell({"/content/library.json": DATA}, page)
    assert set(page.listeners) == {("window", "hashchange"), ("root", "click"), ("root", "submit"),
                                   ("root", "keydown")}
    asyncio.run(shell.load())
    assert page.root.dataset.state == "ready"
    assert 'data-view="roadmap"' in page.root.innerHTML
    assert (page.title, page.lang) == ("Python · Tropa", "en")
    page.hash = "#/topic/nowhere"
    page.dispatch("window", "hashchange")
    assert 'data-view="not-found"' in page.root.innerHTML and page.title == "Tropa"
    shell.unmount()
    assert page.listeners == {}


def test_the_language_button_switches_and_is_remembered() -> None:
    page = FakePage("#/")
    shell, _, preferences = make_shell({"/content/library.json": DATA}, page)
    asyncio.run(shell.load())
    page.dispatch("root", "click", click("language", lang="ru"))
    assert preferences.saved == {"lang": "ru"} and page.lang == "ru"
    assert "Тропы" in page.root.innerHTML
    page.dispatch("root", "click", click("language", lang="xx"))  # not a language: ignored
    assert preferences.saved == {"lang": "ru"}


def test_a_failed_load_shows_the_reason_and_retry_recovers() -> None:
    page = FakePage("#/")
    shell, api, _ = make_shell({}, page)

    async def run() -> None:
        await shell.load()
        assert page.root.dataset.state == "error"
        assert "/content/library.json" in page.root.innerHTML
        api.documents["/content/library.json"] = DATA
        page.dispatch("root", "click", click("retry"))
        while shell._tasks:
            await asyncio.sleep(0)

    asyncio.run(run())
    assert page.root.dataset.state == "ready" and 'data-view="home"' in page.root.innerHTML


def test_the_tutor_is_built_on_the_first_question_with_the_composed_parts() -> None:
    page = FakePage("#/")
    built: list[Tutor] = []
    api = FakeApi({"/content/library.json": DATA})

    async def library() -> Library:
        return await load_library(api)

    def tutor(library: Library, on_change: Any) -> Tutor:
        built.append(Tutor(FakeInference(), api, library, Settings(), on_change))
        return built[-1]

    shell = Shell(page, FakePreferences(), "en", library, tutor)
    asyncio.run(shell.load())
    assert built == []
    assert shell._ensure_tutor() is shell._ensure_tutor() is built[0]


def submit(question: str) -> SimpleNamespace:
    field = SimpleNamespace(value=question)
    form = SimpleNamespace(dataset=SimpleNamespace(action="ask"),
                           elements=SimpleNamespace(namedItem=lambda _name: field))
    return SimpleNamespace(target=form, preventDefault=lambda: None, field=field)


def test_a_question_is_answered_and_the_panel_follows_the_tutor() -> None:
    page = FakePage("#/topic/py.a")
    page.elements = {"tutor-status": FakeElement(), "tutor-log": FakeElement()}
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    api = FakeApi({"/content/library.json": {**DATA, "retrieval": RETRIEVAL},
                   RETRIEVAL["passages"]: PASSAGES})

    async def library() -> Library:
        return await load_library(api)

    def tutor(library: Library, on_change: Any) -> Tutor:
        inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors}, reply="Use venv [1].")
        return Tutor(inference, api, library, Settings(generator="gen-x"), on_change)

    shell = Shell(page, FakePreferences(), "en", library, tutor)
    shell.mount()

    async def run() -> None:
        await shell.load()
        assert 'id="tutor-form"' in page.root.innerHTML
        event = submit("  How do I create a virtual environment?  ")
        page.dispatch("root", "submit", event)
        assert event.field.value == ""  # the box is cleared at once
        while shell._tasks:
            await asyncio.sleep(0)

    asyncio.run(run())
    assert shell.tutor is not None and not shell.tutor.busy
    [exchange] = shell.tutor.conversation(shell.scope(shell._route()) or Scope())
    assert exchange.status == "done" and exchange.question == "How do I create a virtual environment?"
    assert 'data-status="done"' in page.elements["tutor-log"].innerHTML
    assert "gen-x on WASM" in page.elements["tutor-status"].innerHTML


def test_marking_a_topic_done_shows_on_its_trail_and_survives_a_new_shell() -> None:
    from app.core.learner.store import MemoryStore
    from app.services.progress import ProgressBook

    store = MemoryStore()

    def press(action: str, pressed: str = "false", **data: str) -> SimpleNamespace:
        button = SimpleNamespace(tagName="BUTTON", dataset=SimpleNamespace(action=action, **data),
                                 getAttribute=lambda name: pressed)
        return SimpleNamespace(target=SimpleNamespace(closest=lambda _selector: button))

    async def visit(address: str) -> tuple[Shell, FakePage]:
        page = FakePage(address)
        book = ProgressBook(store)
        await book.load()
        api = FakeApi({"/content/library.json": DATA})

        async def library() -> Library:
            return await load_library(api)

        shell = Shell(page, FakePreferences(), "en", library, lambda *_: None, progress=book)  # type: ignore[arg-type,return-value]
        shell.mount()
        await shell.load()
        return shell, page

    async def scenario() -> None:
        _, page = await visit("#/topic/py.a")
        assert 'data-status="done" aria-pressed="false"' in page.root.innerHTML
        page.dispatch("root", "click", press("mark", topic="py.a", status="done"))
        page.dispatch("root", "click", press("mark", topic="nowhere", status="done"))  # ignored
        for _ in range(5):
            await asyncio.sleep(0)
        assert 'data-status="done" aria-pressed="true"' in page.root.innerHTML
        _, trail = await visit("#/roadmap/py")  # a reload: a new shell on the same device
        assert 'data-percent="33"' in trail.root.innerHTML
        assert 'href="#/topic/py.b"' in trail.root.innerHTML.split('class="continue"')[1][:60]
        assert store.texts.keys() >= {("progress", "py.a")} and ("progress", "nowhere") not in store.texts

    asyncio.run(scenario())
