"""Notes, search and the data file as shell parts under CPython: the real shell, views,
services and a MemoryStore, with a fake Page in place of the DOM. The same walks in
Chromium are in test_notes_search_data.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.core.library.routes import parse
from app.services.backup import Backup
from app.services.library import load_library
from app.services.notes import NoteBook
from app.services.tutor import Tutor
from app.ui.data import IMPORTED_KEY, DataUi
from app.ui.notes import NotesUi
from app.ui.search import SearchUi
from app.ui.shell import Shell
from tests.app.core.library.test_search import library_data
from tests.app.services.test_tutor import make_tutor
from tests.fakes import FakeApi, FakeElement, FakePage, FakePreferences


class App:
    """The shell with the three parts, wired as app.main wires them."""

    def __init__(self, location: str = "#/", tutor: Tutor | None = None) -> None:
        # One loop for the app's life: the page's listeners start tasks on it, as in Pyodide.
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.page = FakePage(location)
        self.store = MemoryStore()
        self.preferences = FakePreferences()
        self.notes = NoteBook(self.store, now_ms=lambda: 1_796_212_800_000)
        api = FakeApi({"/content/library.json": library_data()})

        async def library() -> Library:
            return await load_library(api)

        def no_tutor(library: Library, on_change: Any) -> Tutor:
            raise AssertionError("no tutor is built by notes, search or the data page")

        shell: Shell
        route = lambda: parse(self.page.location_hash())  # noqa: E731
        self.notes_ui = NotesUi(self.notes, self.page, library=lambda: shell.library,
                                lang=lambda: shell.lang, rerender=lambda: shell.render())
        self.search_ui = SearchUi(self.page, library=lambda: shell.library, tutor=lambda: tutor,
                                  route=route, rerender=lambda: shell.render())
        self.data_ui = DataUi(Backup(self.store), self.page, self.preferences, lang=lambda: shell.lang,
                              route=route, rerender=lambda: shell.render())
        shell = Shell(self.page, self.preferences, "en", library, no_tutor,
                      parts=[self.notes_ui, self.search_ui, self.data_ui])
        self.shell = shell
        shell.mount()
        self.run(shell.load())

    def run(self, coroutine: Any) -> Any:
        async def until_settled() -> Any:
            result = await coroutine
            while pending := [*self.shell._tasks, *self.search_ui.background.tasks,
                              *self.data_ui.background.tasks]:
                await asyncio.gather(*pending)
            return result

        return self.loop.run_until_complete(until_settled())

    def close(self) -> None:
        self.shell.unmount()
        self.loop.close()
        asyncio.set_event_loop(None)

    def go(self, location: str) -> str:
        self.page.navigate(location)
        self.run(asyncio.sleep(0))
        return str(self.page.root.innerHTML)

    def submit(self, action: str, **fields: Any) -> str:
        data = {key: value for key, value in fields.items() if key in ("topic",)}
        form = SimpleNamespace(dataset=SimpleNamespace(action=action, **data), elements=SimpleNamespace(
            namedItem=lambda name: SimpleNamespace(**fields[name]) if isinstance(fields[name], dict)
            else SimpleNamespace(value=fields[name])))
        self.page.dispatch("root", "submit", SimpleNamespace(target=form, preventDefault=lambda: None))
        self.run(asyncio.sleep(0))
        return str(self.page.root.innerHTML)

    def click(self, action: str, **data: str) -> str:
        button = SimpleNamespace(tagName="BUTTON", dataset=SimpleNamespace(action=action, **data))
        self.page.dispatch("root", "click", SimpleNamespace(target=SimpleNamespace(closest=lambda _: button)))
        self.run(asyncio.sleep(0))
        return str(self.page.root.innerHTML)


@pytest.fixture
def apps() -> Iterator[Callable[..., App]]:
    """Makes Apps, each closed (its listeners and loop) after the test."""
    made: list[App] = []

    def make(location: str = "#/", tutor: Tutor | None = None) -> App:
        made.append(App(location, tutor))
        return made[-1]

    yield make
    for app in made:
        app.close()


def chosen(name: str, text: str) -> dict[str, Any]:
    """The ``file`` field of the import form with one chosen file."""

    async def read() -> str:
        return text

    file = SimpleNamespace(name=name, text=read)
    return {"files": SimpleNamespace(length=1, item=lambda _index: file)}


def test_a_note_is_saved_shown_listed_and_deleted(apps: Callable[..., App]) -> None:
    app = apps("#/topic/py.a")
    assert 'data-action="note"' in app.page.root.innerHTML and "note-body" not in app.page.root.innerHTML
    html = app.submit("note", topic="py.a", note="**for** each item")
    assert "<strong>for</strong> each item" in html and "Note saved." in html
    assert app.run(app.store.get("notes", "py.a"))["text"] == "**for** each item"
    notes = app.go("#/notes")
    assert 'data-topic="py.a"' in notes and 'href="#/topic/py.a">Loops</a>' in notes
    app.go("#/topic/py.a")
    html = app.click("note-delete", topic="py.a")
    assert "Note deleted." in html and "note-body" not in html
    assert app.run(app.store.get("notes", "py.a")) is None
    assert "No notes yet" in app.go("#/notes")


def test_a_note_too_long_keeps_its_text_and_says_why(apps: Callable[..., App]) -> None:
    app = apps("#/topic/py.a")
    html = app.submit("note", topic="py.a", note="x" * 20_001)
    assert "This note has 20,001 characters; at most 20,000 fit" in html
    assert "x" * 20_001 in html and app.store.texts == {}


def test_unsaved_text_survives_a_drawing_started_by_another_action(apps: Callable[..., App]) -> None:
    app = apps("#/topic/py.a")
    editor = FakeElement()
    editor.value = "half a thought"  # type: ignore[attr-defined]
    editor.dataset.topic = "py.a"
    app.page.elements["note-text"] = editor
    html = app.click("language", lang="ru")
    assert ">half a thought</textarea>" in html
    editor.dataset.topic = "py.b"  # another topic's editor: not carried over
    assert ">half a thought</textarea>" not in app.go("#/topic/py.c")


def test_the_search_form_goes_to_the_results_by_words(apps: Callable[..., App]) -> None:
    app = apps("#/")
    html = app.submit("search", q="  functions   loops ")
    assert app.page.hash == "#/search?q=functions%20loops"
    assert 'data-view="search"' in html and 'data-by-meaning="false"' in html
    assert html.index('data-topic="py.b"') < html.index('data-topic="py.a"')  # holds both words
    assert "<mark>" in html and 'value="functions loops"' in html
    assert "Type a few words" in app.submit("search", q=" ")


def test_results_by_meaning_are_added_once_the_tutor_is_ready(apps: Callable[..., App]) -> None:
    tutor, _, _ = make_tutor()
    app = apps("#/", tutor=tutor)
    query = "a for loop repeats a block for each item while a condition holds"
    app.run(tutor.start())
    html = app.submit("search", q=query)
    assert 'data-by-meaning="true"' in html and "Words and meaning" in html
    assert html.index('data-topic="py.b"') < html.index('data-topic="py.a"')


def test_export_offers_the_file_and_a_good_import_reloads_the_page(apps: Callable[..., App]) -> None:
    app = apps("#/topic/py.a")
    app.submit("note", topic="py.a", note="kept")
    html = app.go("#/data")
    assert '<tr data-collection="notes"><th scope="row">Notes</th><td>1</td></tr>' in html
    html = app.click("export")
    (name, text, mime), = app.page.downloads
    assert mime == "application/json" and f"Saved as {name}." in html

    fresh = apps("#/data")
    fresh.submit("import", file=chosen(name, text))
    assert fresh.page.reloads == 1
    assert fresh.run(fresh.store.get("notes", "py.a"))["text"] == "kept"
    said = fresh.preferences.saved[IMPORTED_KEY]
    assert said == f"Entries imported from {name}: 1."
    # What the page says after the reload, once:
    after = DataUi(Backup(fresh.store), fresh.page, fresh.preferences, lang=lambda: "en",
                   route=lambda: parse("#/data"), rerender=lambda: None)
    assert after.message == said and fresh.preferences.saved[IMPORTED_KEY] == ""


def test_a_broken_file_or_none_is_refused_and_nothing_is_written(apps: Callable[..., App]) -> None:
    app = apps("#/data")
    html = app.submit("import", file={"files": SimpleNamespace(length=0)})
    assert "Choose a file first." in html
    broken = json.dumps({"app": "tropa", "kind": "learner-data", "version": 9, "schema": 1,
                         "collections": {}})
    html = app.submit("import", file=chosen("new.json", broken))
    assert "new.json was not imported, and nothing here was changed." in html
    assert "made by a newer version of Tropa" in html and 'role="alert"' in html
    assert app.store.texts == {} and app.page.reloads == 0


def test_a_note_is_shown_as_text_never_as_markup_and_in_the_learners_language(
        apps: Callable[..., App]) -> None:
    app = apps("#/topic/py.a")
    app.click("language", lang="ru")
    html = app.submit("note", topic="py.a", note='<img src=x onerror="alert(1)"> [a](javascript:alert(1))')
    assert "<img" not in html and "&lt;img src=x" in html and 'href="javascript' not in html
    assert "Заметка сохранена." in html and "Ваша заметка" in html
