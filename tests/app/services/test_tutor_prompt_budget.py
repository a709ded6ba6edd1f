"""The tutor keeps its prompt within PROMPT_BUDGET per language (app.services.tutor): prompt
tokens are what a learner waits for in the browser (bench/tutor_speed.py). CPython, the real
tutor and prompt builder against the fake worker, with long passages that must be cut."""

from __future__ import annotations

import asyncio

import pytest

from app.core.library.catalog import Library
from app.core.settings import Settings
from app.core.tutor.conversation import Scope
from app.core.tutor.prompt import build_messages, estimate_tokens
from app.core.tutor.retrieval import Hit
from app.services.tutor import PROMPT_BUDGET, Tutor
from tests.app.core.library.test_catalog import DATA
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeInference, bag_of_words

LONG = [{**p, "text": " ".join([p["text"]] * 40)} for p in PASSAGES]


def prompt_for(question: str, lang: str) -> tuple[list[dict[str, str]], list[Hit]]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in LONG]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors}, reply="Use venv [1].")
    tutor = Tutor(inference, FakeApi({RETRIEVAL["passages"]: LONG}),
                  Library.from_dict({**DATA, "retrieval": RETRIEVAL}), Settings(generator="gen-x"))
    tutor.retriever.covered_floor = 0.0  # the fake embedder's scale; this test is about the prompt
    exchange = asyncio.run(tutor.ask(question, Scope(), lang))
    assert exchange.hits, exchange.status
    messages = next(args for name, args in inference.calls if name == "generate")
    return messages, list(exchange.hits)


@pytest.mark.parametrize(("question", "lang"), [
    ("How do I create a virtual environment with venv?", "en"),
    ("Как создать виртуальное окружение командой venv?", "ru"),
])
def test_the_prompt_stays_within_the_languages_budget(question: str, lang: str) -> None:
    messages, hits = prompt_for(question, lang)
    used = sum(estimate_tokens(m["content"]) for m in messages)
    assert used <= PROMPT_BUDGET[lang] + 24  # the chat frame's labels, counted by the builder
    # The builder's default would have sent more of the same passages.
    default = build_messages(question, hits, lang)
    assert used < sum(estimate_tokens(m["content"]) for m in default)
    assert messages[0] == default[0]  # the system message, whose cache the worker keeps, unchanged


def test_russian_gets_the_smaller_budget() -> None:
    # Russian text takes about 1.4× the tokens the builder's estimate gives it (Qwen's tokenizer).
    assert PROMPT_BUDGET["ru"] < PROMPT_BUDGET["en"]
