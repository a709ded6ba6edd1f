"""Retrieval alone: passages from the API, vectors in the (fake) worker, ranking in core."""

from __future__ import annotations

import asyncio

import pytest

from app.core.errors import LibraryError
from app.services.retriever import Retriever
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeInference, bag_of_words


def ready(passages: object = PASSAGES) -> tuple[Retriever, FakeInference]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors})
    retriever = Retriever(inference, FakeApi({RETRIEVAL["passages"]: passages}), RETRIEVAL)
    return retriever, inference


def test_search_ranks_within_the_roadmap_in_the_learners_language() -> None:
    retriever, inference = ready()

    async def run() -> list[str]:
        await retriever.prepare()
        await inference.load(retriever.embedder, "embedder", False)
        [vector] = await retriever.embed_queries(["Создайте окружение venv"])
        hits = await retriever.search(vector, "ru", "py")
        return [f"{h.passage.topic}/{h.passage.lang}" for h in hits]

    found = asyncio.run(run())
    assert found[0] == "py.a/ru"
    # Only the py roadmap's rows, each language on its own.
    assert ("search", [0, 2]) in inference.calls and ("search", [1]) in inference.calls


def test_a_passages_file_that_does_not_match_the_library_is_refused() -> None:
    retriever, _ = ready(PASSAGES[:2])
    with pytest.raises(LibraryError, match="passages file has 2 rows; the library says 4"):
        asyncio.run(retriever.prepare())


def test_a_library_without_retrieval_says_so() -> None:
    retriever = Retriever(FakeInference(), FakeApi({}), {})
    with pytest.raises(LibraryError, match="compiled without passages"):
        asyncio.run(retriever.prepare())
