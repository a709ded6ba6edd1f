"""Retrieval for the tutor: the library's passages and vectors, searched in the worker.

``prepare`` fetches the passages and hands the vectors file to the worker; ``search``
embeds nothing itself: it takes a query vector, asks the worker for the nearest rows
in scope and ranks them with ``app.core.tutor.retrieval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.errors import LibraryError
from app.core.tutor.retrieval import (
    COVERED_FLOORS,
    Hit,
    Passage,
    align_languages,
    passages_from_json,
    rank,
    rows_by_language,
)
from app.ports import Api, Inference
from contracts import library as library_format

# Rows asked of the worker before ranking keeps the best few.
SEARCH_K = 12
# Passages an answer is built from, and at most this many from one topic.
ANSWER_PASSAGES = 3
PER_TOPIC = 2


class Retriever:
    """The library's retrieval section (``contracts.library.RETRIEVAL_FIELDS``) put to use.

    ``section`` is empty for a library compiled without passages; ``prepare`` then
    raises LibraryError.
    """

    def __init__(self, inference: Inference, api: Api, section: Mapping[str, Any]) -> None:
        self.inference = inference
        self.api = api
        self.section = dict(section)
        self.passages: list[Passage] = []
        # Below this best score the library does not cover a question; an embedder not
        # calibrated here refuses nothing.
        self.covered_floor = COVERED_FLOORS.get(self.embedder, 0.0)

    @property
    def embedder(self) -> str:
        """The model the passages were embedded with; queries must use the same one."""
        return str(self.section.get("model", ""))

    async def prepare(self) -> None:
        """Fetch the passages and load their vectors into the worker.

        Raises LibraryError when there is no retrieval section or the passages file is
        malformed, ApiError or InferenceError from the fetch and the worker.
        """
        if not self.section:
            raise LibraryError("this library was compiled without passages to retrieve")
        rows = await self.api.get_json(str(self.section["passages"]))
        try:
            library_format.check_passages(rows, int(self.section["count"]))
        except library_format.LibraryFormatError as error:
            raise LibraryError(f"{self.section['passages']}: {error}") from None
        self.passages = passages_from_json(rows)
        await self.inference.index(str(self.section["vectors"]), int(self.section["count"]),
                                   int(self.section["dim"]), str(self.section["vectors_sha256"]))

    async def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query embeddings of ``texts`` by the library's embedder (it must be loaded)."""
        return await self.inference.embed(self.embedder, texts, str(self.section["query_prefix"]))

    async def search(self, vector: list[float], lang: str, roadmap: str | None) -> list[Hit]:
        """The passages an answer in ``lang`` is built from, within ``roadmap`` when given."""
        found = []
        for rows in rows_by_language(self.passages, roadmap).values():
            found += await self.inference.search(vector, SEARCH_K, rows)
        return ranked(found, self.passages, lang)


def ranked(found: list[tuple[int, float]], passages: list[Passage], lang: str) -> list[Hit]:
    """The worker's ``found`` rows (of every language searched apart) ranked as the tutor
    uses them (also run by the bench)."""
    return rank(align_languages(found, passages, lang), passages, lang, k=ANSWER_PASSAGES,
                per_topic=PER_TOPIC)
