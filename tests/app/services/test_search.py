"""The library's search: by words at once; by meaning only once the tutor's embedder is
ready (search never loads it), fused with the results by words."""

from __future__ import annotations

import asyncio

from app.services.search import LibrarySearch
from tests.app.core.library.test_search import library
from tests.app.services.test_tutor import make_tutor

# Close to the fake passage on loops (bag of words above the similarity floor).
QUERY = "a for loop repeats a block for each item while a condition holds"


def test_by_words_builds_its_index_once() -> None:
    search = LibrarySearch(library())
    assert [r.topic for r in search.by_words("functions", "en")] == ["py.b", "py.c"]
    index = search.index
    search.by_words("loops", "en")
    assert search.index is index


def test_meaning_waits_for_the_tutors_embedder_and_loads_nothing() -> None:
    tutor, inference, _ = make_tutor()
    assert LibrarySearch.can_use_meaning(None) is False
    assert LibrarySearch.can_use_meaning(tutor) is False
    assert inference.calls == [] and inference.loaded == {}


def test_by_meaning_adds_topics_close_in_meaning_to_those_found_by_words() -> None:
    tutor, _, _ = make_tutor()
    search = LibrarySearch(tutor.library)

    async def run() -> list[tuple[str, bool]]:
        await tutor.start()
        assert LibrarySearch.can_use_meaning(tutor)
        found = await search.by_meaning(QUERY, "en", tutor)
        return [(r.topic, r.by_meaning) for r in found]

    found = asyncio.run(run())
    assert ("py.b", True) in found  # the passage on loops; its topic's text (x) has no such word
    assert search.by_words(QUERY, "en") == []


def test_a_topic_found_both_ways_ranks_first() -> None:
    tutor, _, _ = make_tutor()
    search = LibrarySearch(library())  # py.a and py.b hold these words; py.b's passage is close
    query = QUERY

    async def run() -> list[tuple[str, bool]]:
        await tutor.start()
        return [(r.topic, r.by_meaning) for r in await search.by_meaning(query, "en", tutor)]

    assert [r.topic for r in search.by_words(query, "en")] == ["py.a", "py.b"]
    assert asyncio.run(run()) == [("py.b", False), ("py.a", False)]
