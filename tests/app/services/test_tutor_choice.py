"""The tutor's choice at work under CPython, against the honest fakes: the picker's memory
of the learner's choice and of the full tutor's first token, the manifest's sizes, and the
tutor in passages-only mode, with an English-only generator, and switching generators."""

from __future__ import annotations

import asyncio
from typing import Any

from app.core.generator_choice import FULL_GENERATOR, SMALL_GENERATOR, DeviceFacts, GeneratorChoice
from app.core.i18n import t
from app.core.library.catalog import Library
from app.core.settings import Settings, from_query
from app.core.tutor.conversation import Scope
from app.services.tutor import Tutor
from app.services.tutor_choice import FIRST_TOKEN_KEY, MANIFEST, TIER_KEY, TutorPicker
from tests.app.core.library.test_catalog import DATA
from tests.app.core.test_generator_choice import MANIFEST as MANIFEST_JSON
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeInference, FakePreferences, bag_of_words

LAPTOP = DeviceFacts(memory_gb=8.0)
MODELS = {"embedder-x": "embedder", FULL_GENERATOR: "generator", SMALL_GENERATOR: "generator"}


def test_the_picker_keeps_the_learners_choice_and_the_full_tutors_first_token() -> None:
    preferences = FakePreferences()
    picker = TutorPicker(from_query(""), preferences, LAPTOP)
    assert picker.choice("en").tier == "full"
    picker.measured(SMALL_GENERATOR, {"ttft_ms": 40_000.0, "prompt_tokens": 50})
    assert FIRST_TOKEN_KEY not in preferences.saved  # the small one's time says nothing of the full one
    picker.measured(FULL_GENERATOR, {"ttft_ms": 40_000.0, "prompt_tokens": 50})
    assert preferences.saved[FIRST_TOKEN_KEY] == "40000:50"
    assert (picker.choice("en").tier, picker.choice("en").reason) == ("small", "slow-first-token")
    picker.choose("passages")
    assert preferences.saved[TIER_KEY] == "passages"
    assert (picker.choice("en").tier, picker.choice("en").reason) == ("passages", "chosen")
    assert picker.suggested("en").tier == "small"  # what the ladder alone would pick
    preferences.saved[TIER_KEY] = "enormous"  # an unknown word: as if nothing was chosen
    assert picker.choice("en").reason == "slow-first-token"


def test_the_address_generator_stands_unless_the_learner_chose() -> None:
    preferences = FakePreferences()
    picker = TutorPicker(from_query("?tutor=tiny-qwen2"), preferences, DeviceFacts(memory_gb=2.0))
    assert (picker.choice("en").model, picker.choice("en").reason) == ("tiny-qwen2", "address")
    picker.choose("small")
    assert picker.choice("en").model == SMALL_GENERATOR


def test_sizes_come_from_the_manifest_and_a_failed_read_leaves_them_unknown() -> None:
    api = FakeApi({MANIFEST: MANIFEST_JSON})
    picker = TutorPicker(Settings(), FakePreferences(), LAPTOP, api)
    asyncio.run(picker.read_sizes())
    assert picker.size_of("full", "e5") == 6105 and picker.size_of("passages", "e5") == 1100
    assert picker.size_of("full", "e5", {"e5": 1, FULL_GENERATOR: 2}) == 3  # the store's, when given
    missing = TutorPicker(Settings(), FakePreferences(), LAPTOP, FakeApi({}))
    asyncio.run(missing.read_sizes())
    assert missing.sizes == {} and missing.size_of("full", "e5") is None


def make_tutor(generator: str, **given: Any) -> tuple[Tutor, FakeInference]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors}, manifest=MODELS,
                              reply="Use venv, as the source says [1].")
    tutor = Tutor(inference, FakeApi({RETRIEVAL["passages"]: PASSAGES}),
                  Library.from_dict({**DATA, "retrieval": RETRIEVAL}), Settings(generator=generator), **given)
    return tutor, inference


def loads(inference: FakeInference) -> list[str]:
    return [model for name, model in inference.calls if name == "load"]


def test_passages_only_loads_no_generator_and_answers_with_cited_passages() -> None:
    tutor, inference = make_tutor("", choice=GeneratorChoice("passages", None, "chosen"))
    assert tutor.model_ids() == ("embedder-x",)
    exchange = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    assert exchange.status == "passages"
    assert exchange.error == t("en", "passages_chosen")
    assert exchange.answer is not None and [c.topic for c in exchange.answer.citations][:1] == ["py.a"]
    assert loads(inference) == ["embedder-x"]
    assert not [name for name, _ in inference.calls if name == "generate"]
    assert tutor.models_ready()


def test_the_english_only_tutor_asked_in_russian_shows_the_passages_and_says_why() -> None:
    tutor, inference = make_tutor(SMALL_GENERATOR)
    exchange = asyncio.run(tutor.ask("Что такое виртуальное окружение venv?", Scope(), "ru"))
    assert exchange.status == "passages"
    assert exchange.error == t("ru", "passages_english_only")
    assert not [name for name, _ in inference.calls if name == "generate"]
    english = asyncio.run(tutor.ask("How do I create a virtual environment with venv?", Scope(), "en"))
    assert english.status == "done"


def test_switching_generators_unloads_the_old_one_and_loads_the_new() -> None:
    seen: list[tuple[str, float]] = []
    tutor, inference = make_tutor(FULL_GENERATOR, on_generated=lambda model, result: seen.append(
        (model, result["ttft_ms"])))

    async def run() -> None:
        first = await tutor.ask("How do I create a virtual environment with venv?", Scope(), "en")
        assert first.status == "done"
        await tutor.use_generator(None, GeneratorChoice("passages", None, "chosen"))
        assert FULL_GENERATOR not in inference.loaded  # unloaded in the worker
        second = await tutor.ask("How do I create a virtual environment with venv?", Scope(), "en")
        assert second.status == "passages"
        await tutor.use_generator(SMALL_GENERATOR, GeneratorChoice("small", SMALL_GENERATOR, "chosen"))
        third = await tutor.ask("How do I create a virtual environment with venv?", Scope(), "en")
        assert third.status == "done"

    asyncio.run(run())
    assert loads(inference) == ["embedder-x", FULL_GENERATOR, SMALL_GENERATOR]
    assert [model for model, _ in seen] == [FULL_GENERATOR, SMALL_GENERATOR]
    assert tutor.choice is not None and tutor.choice.tier == "small"


def test_the_tutor_follows_the_language_the_learner_switched_to() -> None:
    picker = TutorPicker(Settings(), FakePreferences(), DeviceFacts(memory_gb=2.0))
    tutor, _ = make_tutor(SMALL_GENERATOR, choice=picker.choice("en"), pick=picker.choice)

    async def run() -> None:
        await tutor.follow("en")
        assert tutor.generator.id == SMALL_GENERATOR  # nothing changed
        await tutor.follow("ru")  # English-only SmolLM2 is not for a Russian learner: passages
        assert tutor.model_ids() == ("embedder-x",) and tutor.choice == picker.choice("ru")
        picker.choose("small")  # the learner's own choice holds in any language
        await tutor.follow("ru")
        assert tutor.generator.id == SMALL_GENERATOR

    asyncio.run(run())
