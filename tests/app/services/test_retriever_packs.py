"""The tutor's retrieval over the course packs on the device: their passages join the
library's, scoped to a pack's roadmap they are searched alone (in Python), never by
asking the worker for no rows (which would mean all of them)."""

from __future__ import annotations

import asyncio

from app.services.retriever import Retriever
from tests.app.services.test_tutor import PASSAGES, RETRIEVAL
from tests.fakes import FakeApi, FakeInference, bag_of_words

PACK = [{"topic": "kitchen.making-stock", "lang": "en", "roadmap": "kitchen", "title": "Making stock",
         "text": "The mirepoix is two parts onion, one part carrot and one part celery."},
        {"topic": "kitchen.boiling-eggs", "lang": "en", "roadmap": "kitchen", "title": "Boiling eggs",
         "text": "Six minutes gives a jammy yolk; plunge the eggs into ice water."}]


def ready() -> tuple[Retriever, FakeInference]:
    vectors = [bag_of_words(f"{p['title']}: {p['text']}") for p in PASSAGES]
    inference = FakeInference(vectors={RETRIEVAL["vectors"]: vectors})
    retriever = Retriever(inference, FakeApi({RETRIEVAL["passages"]: PASSAGES}), RETRIEVAL)
    retriever.add_local(PACK, [bag_of_words(f"{p['title']}: {p['text']}") for p in PACK])
    return retriever, inference


def test_a_question_on_a_pack_roadmap_finds_its_passage_without_the_worker_index() -> None:
    retriever, inference = ready()

    async def run() -> list[str]:
        await retriever.prepare()
        await inference.load(retriever.embedder, "embedder", False)
        [vector] = await retriever.embed_queries(["What is a mirepoix made of, which onion carrot celery"])
        before = [call for call in inference.calls if call[0] == "search"]
        hits = await retriever.search(vector, "en", "kitchen")
        assert [call for call in inference.calls if call[0] == "search"] == before
        return [h.passage.topic for h in hits]

    found = asyncio.run(run())
    assert found[0] == "kitchen.making-stock"
    assert set(found) <= {"kitchen.making-stock", "kitchen.boiling-eggs"}


def test_a_library_wide_question_searches_both_and_ranks_them_together() -> None:
    retriever, inference = ready()

    async def run() -> list[str]:
        await retriever.prepare()
        await inference.load(retriever.embedder, "embedder", False)
        [vector] = await retriever.embed_queries(["jammy yolk eggs ice water minutes"])
        hits = await retriever.search(vector, "en", None)
        return [h.passage.topic for h in hits]

    found = asyncio.run(run())
    assert found[0] == "kitchen.boiling-eggs"
    searched = [rows for name, rows in inference.calls if name == "search"]
    assert searched and all(rows and max(rows) < len(PASSAGES) for rows in searched)
