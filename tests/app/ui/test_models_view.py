"""The model manager's view and the tutor's consent under CPython (the fake worker, a
fake page); the same in Chromium is in test_models.py."""

from __future__ import annotations

import asyncio

from app.core.library.routes import Route
from app.core.model_words import MESSAGES
from app.services.stored_models import ModelShelf, StoredModel
from app.ui import models_view
from app.ui.models import ModelsUi
from tests.fakes import FakeElement, FakeInference, FakePage


def stored(model_id: str, tier: str = "real", size: int = 135_000_000, got: int = 0) -> StoredModel:
    return StoredModel(model_id, "embedder", tier, "wasm", "q8", size, got, got >= size)


def test_every_word_is_in_both_languages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["ru"])


def test_sizes_and_which_models_are_shown() -> None:
    assert [models_view.size_text(n) for n in (1_234_000_000, 135_047_133, 311_208)] == [
        "1.2 GB", "135 MB", "311 kB"]
    assert [models_view.size_text(n, "ru") for n in (1_234_000_000, 311_208)] == ["1,2 ГБ", "311 КБ"]
    models = [stored("e5"), stored("tiny-a", "tiny"), stored("tiny-b", "tiny", got=5),
              stored("tiny-c", "tiny")]
    assert [m.id for m in models_view.shown(models, {"tiny-c"})] == ["e5", "tiny-b", "tiny-c"]
    assert stored("x", got=35_000_000).state == "partial"
    assert stored("x", got=35_000_000).missing == 100_000_000


def ui(fake: FakeInference, page: FakePage) -> ModelsUi:
    return ModelsUi(ModelShelf(fake, False), page, in_use=lambda: ("gen-x",), lang=lambda: "en",
                    route=lambda: Route("home"), rerender=lambda: None)


def test_the_consent_waits_for_the_learner_and_is_not_asked_once_stored() -> None:
    fake, page = FakeInference(), FakePage()
    page.elements["tutor-consent"] = FakeElement()
    models = ui(fake, page)

    async def ask(answer: bool) -> bool:
        waiting = asyncio.ensure_future(models.granted(["embedder-x", "gen-x"], "What is a loop?"))
        while models.asking is None:
            await asyncio.sleep(0)
        block = str(models.consent_block("en"))
        assert "The tutor needs 2 models, 2 kB in all, downloaded once and kept on this device" in block
        assert "embedder-x (search, 1 kB)" in block and "What is a loop?" in block
        models.answer(answer)
        return await waiting

    assert asyncio.run(ask(False)) is False
    assert models.declined and "Nothing was downloaded" in str(models.consent_block("en"))
    assert fake.calls == []  # nothing downloaded, nothing loaded
    assert asyncio.run(ask(True)) is True and models.asking is None
    fake.stored = {"embedder-x": 1000, "gen-x": 1000}
    assert asyncio.run(models.granted(["embedder-x", "gen-x"], "again")) is True
    assert models.asking is None


def test_the_page_lists_states_and_offers_the_buttons_that_apply() -> None:
    fake = FakeInference()
    fake.stored = {"gen-x": 1000, "embedder-x": 400}
    models = ui(fake, FakePage())
    asyncio.run(models.shelf.refresh())
    html = str(models_view.page(models.shelf, {"gen-x"}, "en"))
    assert 'data-model="gen-x" data-state="stored"' in html
    assert 'data-model="embedder-x" data-state="partial"' in html
    assert "partly downloaded (0 kB of 1 kB)" in html
    assert html.count('data-action="model-download"') == 1  # only the partial one
    assert html.count('data-action="model-delete"') == 2
    assert "used by the tutor" in html
    assert models.content(Route("notes"), "en") is None
