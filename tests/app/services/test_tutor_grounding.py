"""The tutor's retrieval with the library's lexical index, and follow-ups, under CPython
against the honest fakes of tests/fakes.py (the worker and the API are the edge)."""

from __future__ import annotations

import asyncio

from app.core.library.catalog import Library
from app.core.settings import Settings
from app.core.tutor.conversation import Scope
from app.core.tutor.lexical import build_index
from app.services.tutor import Tutor
from tests.app.core.library.test_catalog import DATA
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeInference, bag_of_words

LEXICON = "/content/lexicon.json"


def make_tutor(with_lexicon: bool = True) -> tuple[Tutor, FakeInference, FakeApi]:
    texts = [f"{p['title']}: {p['text']}" for p in PASSAGES]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: [bag_of_words(t) for t in texts]},
                              reply="A for loop repeats [1].")
    api = FakeApi({RETRIEVAL["passages"]: PASSAGES, LEXICON: build_index(texts)})
    section = {**RETRIEVAL, "lexicon": LEXICON} if with_lexicon else RETRIEVAL
    tutor = Tutor(inference, api, Library.from_dict({**DATA, "retrieval": section}),
                  Settings(generator="gen-x"))
    tutor.retriever.covered_floor = 0.3  # the fake embedder's scale
    return tutor, inference, api


def test_the_lexical_index_is_read_and_a_russian_question_finds_the_english_passage() -> None:
    tutor, _, api = make_tutor()
    # Bag-of-words vectors share no word with this Russian question: only the glossary
    # (цикл → loop) can find the English passage.
    exchange = asyncio.run(tutor.ask("Как работает цикл?", Scope(roadmap="py"), "ru"))
    assert LEXICON in api.paths
    assert tutor.retriever.lexicon is not None
    assert exchange.hits and exchange.hits[0].passage.topic == "py.b"


def test_a_library_without_a_lexical_index_still_answers_by_the_embedder() -> None:
    tutor, _, api = make_tutor(with_lexicon=False)
    exchange = asyncio.run(tutor.ask("How does a for loop repeat a block?", Scope(), "en"))
    assert LEXICON not in api.paths and tutor.retriever.lexicon is None
    assert exchange.hits[0].passage.topic == "py.b"


def test_only_a_follow_up_shows_the_model_the_previous_turn() -> None:
    tutor, inference, _ = make_tutor()
    scope = Scope(roadmap="py")

    async def run() -> None:
        for question in ("How does a for loop repeat a block?",
                         "How do I create an isolated environment with venv?",
                         "And activate it?"):
            await tutor.ask(question, scope, "en")

    asyncio.run(run())
    prompts = [messages for kind, messages in inference.calls if kind == "generate"]
    assert [m["role"] for m in prompts[1]] == ["system", "user"]  # a new question: no history
    assert [m["role"] for m in prompts[2]] == ["system", "user", "assistant", "user"]
    assert "isolated environment" in prompts[2][1]["content"]
