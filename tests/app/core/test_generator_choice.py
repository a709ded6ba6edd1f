"""The device ladder's choice of tutor: memory, a phone screen, a measured first token, the
learner's language, and the learner's or the address's choice winning."""

from __future__ import annotations

import pytest

from app.core.generator_choice import (
    FULL_GENERATOR,
    SMALL_GENERATOR,
    DeviceFacts,
    FirstToken,
    Tier,
    choose_generator,
    download_size,
    parse_tier,
    tier_models,
    wasm_sizes,
    writes,
)
from app.core.settings import from_query

LAPTOP = DeviceFacts(memory_gb=8.0, width_px=1280)
PHONE_4GB = DeviceFacts(memory_gb=4.0, width_px=390, coarse_pointer=True)


def pick(device: DeviceFacts = LAPTOP, lang: str = "en", *, chosen: Tier | None = None,
         address: str | None = None, first_token: FirstToken | None = None) -> tuple[str, str | None, str]:
    choice = choose_generator(chosen=chosen, address=address, device=device, lang=lang,
                              first_token=first_token)
    return choice.tier, choice.model, choice.reason


def test_a_device_with_memory_to_spare_gets_the_full_tutor() -> None:
    assert pick() == ("full", FULL_GENERATOR, "default")
    assert pick(DeviceFacts(memory_gb=None, width_px=1280)) == ("full", FULL_GENERATOR, "default")
    assert pick(DeviceFacts(memory_gb=8.0, width_px=390, coarse_pointer=True))[0] == "full"


@pytest.mark.parametrize("memory", [0.25, 0.5, 1.0, 2.0, 4.0])
def test_little_memory_gets_the_small_tutor_with_the_figure(memory: float) -> None:
    choice = choose_generator(chosen=None, address=None, device=DeviceFacts(memory_gb=memory), lang="en")
    assert (choice.tier, choice.model, choice.reason, choice.figure) == (
        "small", SMALL_GENERATOR, "low-memory", memory)
    assert not choice.language_kept


def test_a_phone_screen_whose_memory_is_hidden_never_gets_the_full_tutor() -> None:
    hidden = DeviceFacts(memory_gb=None, width_px=390, coarse_pointer=True)
    assert pick(hidden) == ("small", SMALL_GENERATOR, "phone")
    assert pick(hidden, "ru") == ("passages", None, "phone")
    # A narrow window on a laptop (a mouse) is not a phone.
    assert pick(DeviceFacts(memory_gb=None, width_px=390))[0] == "full"


def test_a_russian_learner_with_little_memory_gets_passages_not_the_english_only_model() -> None:
    choice = choose_generator(chosen=None, address=None, device=PHONE_4GB, lang="ru")
    assert (choice.tier, choice.model, choice.reason) == ("passages", None, "low-memory")
    assert choice.language_kept


def test_a_slow_first_token_of_the_full_tutor_moves_an_english_learner_to_the_small_one() -> None:
    slow = FirstToken(ms=30_000, prompt_tokens=200)  # 6.7 prompt tokens a second
    assert pick(first_token=slow) == ("small", SMALL_GENERATOR, "slow-first-token")
    # In Russian the full tutor stays: slower, but it writes Russian.
    choice = choose_generator(chosen=None, address=None, device=LAPTOP, lang="ru", first_token=slow)
    assert (choice.tier, choice.reason, choice.language_kept) == ("full", "slow-first-token", True)


def test_a_first_token_that_is_late_only_because_the_prompt_was_long_is_not_slow() -> None:
    assert not FirstToken(ms=9_000, prompt_tokens=0).slow  # under the threshold
    assert not FirstToken(ms=20_000, prompt_tokens=600).slow  # 30 prompt tokens a second
    assert FirstToken(ms=20_000, prompt_tokens=100).slow
    assert FirstToken(ms=20_000).slow  # prompt size unknown: the time alone
    assert pick(first_token=FirstToken(ms=20_000, prompt_tokens=600))[0] == "full"


def test_the_learners_choice_wins_over_everything() -> None:
    assert pick(PHONE_4GB, chosen="full") == ("full", FULL_GENERATOR, "chosen")
    assert pick(LAPTOP, chosen="passages") == ("passages", None, "chosen")
    # Chosen in Russian too: the manager says it writes English only; the tutor shows passages.
    assert pick(LAPTOP, "ru", chosen="small") == ("small", SMALL_GENERATOR, "chosen")
    assert pick(LAPTOP, chosen="small", address="tiny-qwen2")[1] == SMALL_GENERATOR


def test_the_address_wins_over_the_device_ladder() -> None:
    assert pick(PHONE_4GB, address="tiny-qwen2") == ("full", "tiny-qwen2", "address")
    assert pick(LAPTOP, address=SMALL_GENERATOR) == ("small", SMALL_GENERATOR, "address")
    settings = from_query("?tutor=tiny-qwen2")
    assert settings.generator_chosen and settings.generator == "tiny-qwen2"
    assert not from_query("").generator_chosen
    assert not from_query("?tutor=Not%20An%20Id").generator_chosen  # malformed: the default


def test_languages_each_generator_writes() -> None:
    assert writes(FULL_GENERATOR, "ru") and writes(FULL_GENERATOR, "en")
    assert writes(SMALL_GENERATOR, "en") and not writes(SMALL_GENERATOR, "ru")
    assert not writes(None, "en")


def test_first_token_times_round_trip_through_the_preferences_and_bad_ones_are_ignored() -> None:
    assert FirstToken.parse(FirstToken(1234.4, 48).text()) == FirstToken(1234.0, 48)
    assert FirstToken.parse("987") == FirstToken(987.0, 0)
    for bad in (None, "", "fast", "-5:3", "12:x"):
        assert FirstToken.parse(bad) is None
    assert FirstToken.of({"ttft_ms": 850.5, "prompt_tokens": 48}) == FirstToken(850.5, 48)
    assert FirstToken.of({"ttft_ms": None}) is None  # interrupted before the first token
    assert parse_tier("small") == "small" and parse_tier("huge") is None and parse_tier(None) is None


MANIFEST = {"models": [
    {"id": "e5", "dtypes": {"wasm": ["q8"], "webgpu": []},
     "dtype_files": {"q8": "onnx/model_quantized.onnx"},
     "files": [{"path": "config.json", "size": 10}, {"path": "tokenizer.json", "size": 90},
               {"path": "onnx/model_quantized.onnx", "size": 1000}]},
    {"id": FULL_GENERATOR, "dtypes": {"wasm": ["q8"], "webgpu": ["q4f16"]},
     "dtype_files": {"q8": "onnx/model_quantized.onnx", "q4f16": "onnx/model_q4f16.onnx"},
     "files": [{"path": "config.json", "size": 5}, {"path": "onnx/model_quantized.onnx", "size": 5000},
               {"path": "onnx/model_q4f16.onnx", "size": 4000}]},
    {"id": "webgpu-only", "dtypes": {"wasm": [], "webgpu": ["q4"]}, "dtype_files": {"q4": "onnx/x.onnx"},
     "files": [{"path": "onnx/x.onnx", "size": 7}]},
]}


def test_sizes_per_tier_come_from_the_manifest_wasm_files() -> None:
    sizes = wasm_sizes(MANIFEST)
    assert sizes == {"e5": 1100, FULL_GENERATOR: 5005}  # the q4f16 file is not a WASM download
    assert download_size(tier_models("full", "e5"), sizes) == 6105
    assert download_size(tier_models("passages", "e5"), sizes) == 1100
    assert download_size(tier_models("small", "e5"), sizes) is None  # not in this manifest
    assert tier_models("small", "e5") == ("e5", SMALL_GENERATOR)
