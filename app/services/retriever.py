"""Retrieval for the tutor: the library's passages and vectors, searched in the worker.

``prepare`` fetches the passages and hands the vectors file to the worker; ``search``
embeds nothing itself: it takes a query vector, asks the worker for the nearest rows
in scope and ranks them with ``app.core.tutor.retrieval``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.core.errors import LibraryError
from app.core.tutor.glossary import groups
from app.core.tutor.lexical import Lexicon, LexiconError
from app.core.tutor.retrieval import (
    COVER_FLOORS,
    COVERED_FLOORS,
    CoverFloors,
    Evidence,
    Hit,
    Passage,
    align_languages,
    evidence,
    fuse,
    passages_from_json,
    rank,
    rows_by_language,
    supported,
)
from app.core.tutor.vectors import dot
from app.ports import Api, Inference
from contracts import library as library_format

# Rows asked of the worker per language before ranking keeps the best few: enough that
# every passage the lexical search finds in a scope also has its cosine (the library has
# about 250 English and 70 Russian passages; bench/tutor_quality.py: 64 ranks as all rows).
SEARCH_K = 64
# Topics this far behind the best fused score are dropped (bench/tutor_quality.py: 0.05 to
# 0.2 rank alike; the embedder-only 0.03 dropped golds the words had lifted).
RELATIVE_FLOOR = 0.1
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
        # The course packs' passages and vectors (``add_local``), after the library's rows
        # (from ``base_count`` on) and searched here in Python: a pack's few hundred rows
        # take milliseconds, and the worker's index stays the library's file.
        self.local_rows: list[Mapping[str, Any]] = []
        self.local_vectors: list[list[float]] = []
        self.base_count = 0
        # The lexical index (``app.core.tutor.lexical``); None for a library compiled
        # without one, which then searches by the embedder alone.
        self.lexicon: Lexicon | None = None
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
        if self.section.get("lexicon"):
            data = await self.api.get_json(str(self.section["lexicon"]))
            try:
                self.lexicon = Lexicon.from_json(data, len(self.passages))
            except LexiconError as error:
                raise LibraryError(f"{self.section['lexicon']}: {error}") from None
        self.base_count = len(self.passages)
        self.passages += [replace(p, row=p.row + self.base_count)
                          for p in passages_from_json(self.local_rows)]
        await self.inference.index(str(self.section["vectors"]), int(self.section["count"]),
                                   int(self.section["dim"]), str(self.section["vectors_sha256"]))

    def add_local(self, rows: list[dict[str, str]], vectors: list[list[float]]) -> None:
        """Search these passage rows (``contracts.library.passage_row``) and their unit
        vectors too, from the next ``prepare`` on (the course packs on the device)."""
        if len(rows) != len(vectors):
            raise LibraryError(f"{len(rows)} pack passages but {len(vectors)} vectors")
        self.local_rows, self.local_vectors = list(rows), list(vectors)

    async def _nearest(self, vector: list[float], rows: list[int]) -> list[tuple[int, float]]:
        """The ``SEARCH_K`` best of ``rows``: the library's asked of the worker (never with
        no rows, which means all), the packs' scored here."""
        base = [row for row in rows if row < self.base_count]
        found = await self.inference.search(vector, SEARCH_K, base) if base else []
        local = [(row, dot(vector, self.local_vectors[row - self.base_count]))
                 for row in rows if row >= self.base_count]
        return sorted([*found, *local], key=lambda pair: (-pair[1], pair[0]))[:SEARCH_K]

    @property
    def cover_floors(self) -> CoverFloors:
        """The embedder's calibrated floors; for one not calibrated here, its
        ``covered_floor`` on the cosine alone."""
        floor = self.covered_floor
        return COVER_FLOORS.get(self.embedder, CoverFloors(floor, floor, floor, 2.0))

    async def embed_queries(self, texts: list[str]) -> list[list[float]]:
        """Query embeddings of ``texts`` by the library's embedder (it must be loaded)."""
        return await self.inference.embed(self.embedder, texts, str(self.section["query_prefix"]))

    async def search(self, vector: list[float], lang: str, roadmap: str | None,
                     text: str = "") -> list[Hit]:
        """The passages an answer in ``lang`` is built from, within ``roadmap`` when given;
        ``text`` (the question's words) adds the lexical search where the library has an
        index."""
        return (await self.search_supported(vector, lang, roadmap, text))[0]

    async def search_supported(self, vector: list[float], lang: str, roadmap: str | None,
                               text: str = "") -> tuple[list[Hit], bool]:
        """``search``, and whether the passages support an answer (``supported`` with the
        embedder's ``COVER_FLOORS``)."""
        found = []
        scoped = rows_by_language(self.passages, roadmap)
        for rows in scoped.values():
            found += await self._nearest(vector, rows)
        rows = [row for rows in scoped.values() for row in rows]
        seen = weighed(found, self.passages, lang, self.lexicon, text, rows)
        hits = ranked(found, self.passages, lang, lexicon=self.lexicon, question=text, rows=rows)
        return hits, bool(hits) and supported(seen, self.cover_floors, self.lexicon is not None)


def weighed(found: list[tuple[int, float]], passages: list[Passage], lang: str,
            lexicon: Lexicon | None, question: str, rows: list[int] | None) -> Evidence:
    """The ``Evidence`` the tutor's floor reads for ``found`` (also run by the bench)."""
    aligned = align_languages(found, passages, lang)
    if lexicon is None or not question.strip():
        return evidence(aligned, {}, 0.0)
    return evidence(aligned, *lexicon.scores(groups(question), rows))


def ranked(found: list[tuple[int, float]], passages: list[Passage], lang: str, *,
           lexicon: Lexicon | None = None, question: str = "",
           rows: list[int] | None = None) -> list[Hit]:
    """The worker's ``found`` rows (of every language searched apart) ranked as the tutor
    uses them (also run by the bench): fused with the lexical scores of ``question``'s
    words over ``rows`` (the scope) when there is a ``lexicon``."""
    if lexicon is not None and question.strip():
        lexical, ideal = lexicon.scores(groups(question), rows)
        return rank(fuse(align_languages(found, passages, lang), lexical, ideal, passages),
                    passages, lang, k=ANSWER_PASSAGES, per_topic=PER_TOPIC,
                    relative_floor=RELATIVE_FLOOR)
    return rank(align_languages(found, passages, lang), passages, lang, k=ANSWER_PASSAGES,
                per_topic=PER_TOPIC)
