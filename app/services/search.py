"""Searching the library: by words always (``app.core.library.search``), and by meaning
too once the tutor's embedder is loaded (the same passage vectors the tutor retrieves
from, searched in the worker). The two rankings are fused by reciprocal rank."""

from __future__ import annotations

from app.core.library.catalog import Library
from app.core.library.search import Index, Result, fuse, snippet, words
from app.services.tutor import Tutor

# Passages asked of the worker, and the similarity below which a passage found by
# meaning alone is not shown (e5 scores unrelated text around 0.75-0.8).
MEANING_ROWS = 24
MEANING_FLOOR = 0.82
MEANING_ONLY = 5


class LibrarySearch:
    """The library's search; the word index is built on the first search."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._index: Index | None = None

    @property
    def index(self) -> Index:
        if self._index is None:
            self._index = Index.build(self.library)
        return self._index

    def by_words(self, query: str, lang: str) -> list[Result]:
        return self.index.search(query, lang)

    @staticmethod
    def can_use_meaning(tutor: Tutor | None) -> bool:
        """Whether the tutor's embedder and passages are ready (nothing is loaded for search)."""
        return tutor is not None and tutor.embedder.phase == "ready" and bool(tutor.retriever.passages)

    async def by_meaning(self, query: str, lang: str, tutor: Tutor) -> list[Result]:
        """Results by words re-ranked with those by meaning, plus a few close in meaning
        alone. Raises what the worker raises (InferenceError)."""
        lexical = self.by_words(query, lang)
        vector = (await tutor.retriever.embed_queries([query]))[0]
        found = await tutor.inference.search(vector, MEANING_ROWS, [])
        passages = tutor.retriever.passages
        semantic: dict[str, Result] = {}
        matches = self.index.matcher(words(query))
        for row, score in sorted(found, key=lambda item: -item[1]):
            if not 0 <= row < len(passages) or score < MEANING_FLOOR:
                continue
            passage = passages[row]
            if passage.topic not in semantic:  # each topic by its closest passage
                semantic[passage.topic] = Result(passage.topic, passage.lang, passage.roadmap,
                                                 passage.title, score, 0,
                                                 snippet(passage.text, matches), by_meaning=True)
        by_topic = {r.topic: r for r in lexical}
        extra = [t for t in semantic if t not in by_topic][:MEANING_ONLY]
        order = fuse([r.topic for r in lexical], [t for t in semantic if t in by_topic or t in extra])
        return [by_topic.get(t) or semantic[t] for t in order]
