"""The tutor's three choices in the model manager and the panel's "which tutor and why"
line, under CPython (the fake worker and page); the same in Chromium is in
test_tutor_choice_browser.py."""

from __future__ import annotations

import asyncio
import re

from app.core.choice_words import MESSAGES
from app.core.generator_choice import FULL_GENERATOR, SMALL_GENERATOR, DeviceFacts, GeneratorChoice
from app.core.library.routes import Route
from app.core.settings import Settings
from app.services.stored_models import ModelShelf
from app.services.tutor_choice import TIER_KEY, TutorPicker
from app.ui import choice_view, models_view
from app.ui.models import ModelsUi
from tests.fakes import MODEL_BYTES, FakeInference, FakePage, FakePreferences

MODELS = {"e5": "embedder", FULL_GENERATOR: "generator", SMALL_GENERATOR: "generator"}


def test_every_word_is_in_both_languages() -> None:
    assert set(MESSAGES["en"]) == set(MESSAGES["ru"])


Setup = tuple[ModelsUi, FakeInference, FakePreferences, list[GeneratorChoice], list[bool]]


def setup(memory: float | None = 2.0) -> Setup:
    fake = FakeInference(manifest=MODELS)
    preferences = FakePreferences()
    picker = TutorPicker(Settings(), preferences, DeviceFacts(memory_gb=memory))
    switched: list[GeneratorChoice] = []
    asked: list[bool] = []

    async def on_switch(choice: GeneratorChoice) -> None:
        switched.append(choice)

    async def persist() -> bool:
        asked.append(True)
        return False  # as headless Chromium always answers

    models = ModelsUi(ModelShelf(fake, False), FakePage(), in_use=lambda: ("e5",), lang=lambda: "en",
                      route=lambda: Route("models"), rerender=lambda: None, picker=picker,
                      embedder=lambda: "e5", on_switch=on_switch, persist=persist)
    return models, fake, preferences, switched, asked


def text_of(markup: object) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(markup)))


def test_low_memory_proposes_the_small_tutor_and_says_why_with_each_size() -> None:
    models, _, _, _, _ = setup(2.0)
    asyncio.run(models.shelf.refresh())
    block = str(models.tiers_block("en"))
    assert 'data-tier="small" data-current data-suggested' in block
    words = text_of(block)
    assert "Small tutor: this device reports 2 GB of memory" in words
    # Each choice with its download: the embedder, and the generator if any (fake: 1000 B each).
    assert re.findall(r"Download: (\d+) kB", words) == ["2", "2", "1"]
    assert words.count("kB still to download") == 3
    assert "English only" in words
    russian = text_of(models.tiers_block("ru"))
    assert "«Только отрывки»" not in russian and "Только отрывки: у устройства 2 ГБ памяти" in russian
    assert "только по-английски, поэтому по-русски наставник отвечает отрывками" in russian


def test_choosing_passages_downloads_only_the_embedder_and_asks_to_persist() -> None:
    models, fake, preferences, switched, asked = setup(8.0)
    asyncio.run(models.switch("passages", delete_other=False))
    assert [m for name, m in fake.calls if name == "download"] == ["e5"]
    assert preferences.saved[TIER_KEY] == "passages"
    assert [c.tier for c in switched] == ["passages"] and asked == [True]
    assert models.switch_outcome == ("The tutor now uses: Passages only.", False)
    assert models.persisted is False
    line = text_of(models_view.storage_line(models.shelf, "en", models.persisted))
    assert "may clear this site's data" in line and "The browser was asked to keep the models" in line


def test_switching_to_the_small_tutor_downloads_it_and_deletes_the_other_only_when_asked() -> None:
    models, fake, _, switched, _ = setup(8.0)
    fake.stored = {"e5": MODEL_BYTES, FULL_GENERATOR: MODEL_BYTES}
    asyncio.run(models.switch("small", delete_other=False))
    assert [m for name, m in fake.calls if name == "download"] == [SMALL_GENERATOR]
    assert fake.stored[FULL_GENERATOR] == MODEL_BYTES  # kept
    asyncio.run(models.switch("full", delete_other=True))
    assert fake.stored == {"e5": MODEL_BYTES, FULL_GENERATOR: MODEL_BYTES}  # the small one deleted
    assert [c.model for c in switched] == [SMALL_GENERATOR, FULL_GENERATOR]


def test_a_failed_download_says_so_and_the_tutor_is_not_switched() -> None:
    models, fake, _, switched, _ = setup(8.0)
    fake.quota = 500  # less than one model
    asyncio.run(models.switch("small", delete_other=False))
    message, failed = models.switch_outcome
    assert failed and message.startswith("Switching did not finish: not enough space for e5")
    assert switched == []


def test_the_panel_line_names_the_tutor_and_why() -> None:
    slow = GeneratorChoice("small", SMALL_GENERATOR, "slow-first-token", 31_400.0)
    assert text_of(choice_view.choice_line(slow, "en")) == (
        "Small tutor: the full tutor took 31 s to start an answer on this device")
    kept = GeneratorChoice("full", FULL_GENERATOR, "slow-first-token", 31_400.0, language_kept=True)
    assert "остаётся полный" in text_of(choice_view.choice_line(kept, "ru"))
    assert choice_view.choice_line(None, "en") is None
    assert choice_view.intro_size(slow, 260_000_000, "en") == (
        "The tutor here: small tutor, about 260 MB to download.")
    assert choice_view.intro_size(slow, None, "en") == ""
