"""The tutor warmed up at start-up (Shell.warm_up) under CPython: the real shell, model
manager part, model shelf and tutor, against the honest fake worker (tests/fakes.py).

The same in Chromium with the tiny models: tests/app/ui/test_warm_up_browser.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.library.catalog import Library
from app.core.library.routes import parse
from app.core.settings import Settings
from app.services.library import load_library
from app.services.stored_models import ModelShelf
from app.services.tutor import Tutor
from app.ui.models import ModelsUi
from app.ui.shell import WARM_KEY, Shell
from tests.app.core.library.test_catalog import DATA
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import (
    MODEL_BYTES,
    FakeApi,
    FakeElement,
    FakeInference,
    FakePage,
    FakePreferences,
    bag_of_words,
)


def make_app(inference: FakeInference, page: FakePage, **saved: str) -> Shell:
    api = FakeApi({"/content/library.json": {**DATA, "retrieval": RETRIEVAL},
                   RETRIEVAL["passages"]: PASSAGES})

    async def library() -> Library:
        return await load_library(api)

    def tutor(library: Library, on_change: Any) -> Tutor:
        return Tutor(inference, api, library, Settings(generator="gen-x"), on_change)

    shell: Shell | None = None
    models = ModelsUi(ModelShelf(inference, False), page, in_use=lambda: ("embedder-x", "gen-x"),
                      lang=lambda: "en", route=lambda: parse(page.location_hash()),
                      rerender=lambda: shell.render() if shell else None)
    shell = Shell(page, FakePreferences(**saved), "en", library, tutor, parts=[models])
    shell.mount()
    return shell


def open_page(shell: Shell) -> None:
    async def run() -> None:
        await shell.load()
        while shell._tasks:
            await asyncio.sleep(0)
        for _ in range(100):  # the generator's load, which the tutor runs on its own
            await asyncio.sleep(0)

    asyncio.run(run())


def fake_worker() -> FakeInference:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    return FakeInference(vectors={RETRIEVAL["vectors"]: vectors}, reply="Use venv [1].")


def test_stored_models_are_loaded_when_the_page_opens_before_any_question() -> None:
    inference = fake_worker()
    inference.stored = {"embedder-x": MODEL_BYTES, "gen-x": MODEL_BYTES}  # downloaded on an earlier visit
    page = FakePage("#/topic/py.a")
    page.elements = {"tutor-status": FakeElement(), "tutor-log": FakeElement()}
    shell = make_app(inference, page)
    open_page(shell)
    assert shell.tutor is not None
    assert (shell.tutor.embedder.phase, shell.tutor.generator.phase) == ("ready", "ready")
    # The embedder first: every question needs it, and the worker builds one model at a time.
    assert [model for kind, model in inference.calls if kind == "load"] == ["embedder-x", "gen-x"]
    assert not any(kind == "download" for kind, _ in inference.calls)
    # The panel says the models are ready before the learner has asked anything.
    assert "gen-x on WASM" in page.elements["tutor-status"].innerHTML


def test_nothing_is_loaded_or_downloaded_while_a_model_is_not_on_the_device() -> None:
    inference = fake_worker()
    inference.stored = {"embedder-x": MODEL_BYTES, "gen-x": MODEL_BYTES // 2}  # a download cut off
    page = FakePage("#/topic/py.a")
    shell = make_app(inference, page)
    open_page(shell)
    assert [kind for kind, _ in inference.calls if kind in ("load", "download")] == []
    assert shell.tutor is not None and shell.tutor.generator.phase == "idle"
    assert inference.stored["gen-x"] == MODEL_BYTES // 2


def test_a_question_asked_after_the_warm_up_loads_nothing_again() -> None:
    inference = fake_worker()
    inference.stored = {"embedder-x": MODEL_BYTES, "gen-x": MODEL_BYTES}
    page = FakePage("#/topic/py.a")
    shell = make_app(inference, page)
    open_page(shell)
    loads = [call for call in inference.calls if call[0] == "load"]
    assert shell.tutor is not None
    scope = shell.scope(shell._route())
    assert scope is not None
    exchange = asyncio.run(shell.tutor.ask("How do I create a virtual environment?", scope, "en"))
    assert exchange.status == "done"
    assert [call for call in inference.calls if call[0] == "load"] == loads


def test_the_learner_can_keep_the_models_unloaded_until_the_first_question() -> None:
    inference = fake_worker()
    inference.stored = {"embedder-x": MODEL_BYTES, "gen-x": MODEL_BYTES}
    page = FakePage("#/topic/py.a")
    shell = make_app(inference, page, **{WARM_KEY: "off"})
    open_page(shell)
    assert shell.tutor is None
    assert [kind for kind, _ in inference.calls if kind == "load"] == []
