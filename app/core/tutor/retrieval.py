"""Ranking what the worker's vector search found into the passages a reply will use.

The worker computes dot products over the library's passage vectors (it holds the typed
arrays); this module decides which rows to search and how to rank, deduplicate and
trim the hits.

>>> rank([(0, .9), (1, .8), (2, .7)], passages, lang="ru", k=2)   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Passage:
    """One retrievable passage; ``row`` is its index in the vectors file."""

    row: int
    topic: str
    lang: str
    roadmap: str
    title: str
    text: str


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def passages_from_json(rows: Sequence[Mapping[str, Any]]) -> list[Passage]:
    """Read the compiled ``passages.<hash>.json`` rows, numbering them by position."""
    return [
        Passage(row=i, topic=str(r["topic"]), lang=str(r["lang"]), roadmap=str(r["roadmap"]),
                title=str(r["title"]), text=str(r["text"]))
        for i, r in enumerate(rows)
    ]


def rows_in_scope(passages: Sequence[Passage], roadmap: str | None) -> list[int]:
    """Rows to search: the roadmap's passages in every language, or all when ``roadmap`` is None.

    An empty list means "search everything" in the worker protocol, so a roadmap with
    no passages falls back to the whole library rather than to nothing.
    """
    if roadmap is None:
        return []
    return [p.row for p in passages if p.roadmap == roadmap]


def rank(
    hits: Sequence[tuple[int, float]],
    passages: Sequence[Passage],
    lang: str,
    *,
    k: int = 3,
    per_topic: int = 1,
    min_score: float = 0.0,
    language_margin: float = 0.03,
    relative_floor: float = 0.03,
) -> list[Hit]:
    """Best ``k`` hits, at most ``per_topic`` per topic, preferring the learner's language.

    Hits scoring more than ``relative_floor`` below the best one are dropped: e5's
    cosines sit in a narrow band, so a passage far behind the best is off topic even
    when its absolute score looks high.

    A passage in ``lang`` beats a better-scoring passage of the same topic in another
    language when it is within ``language_margin`` of it: a Russian learner reading the
    Russian topic gets the Russian passage cited. Hits below ``min_score`` are dropped.
    """
    ordered = sorted(
        (Hit(passages[row], score) for row, score in hits if 0 <= row < len(passages)),
        key=lambda hit: -hit.score,
    )
    if ordered:
        min_score = max(min_score, ordered[0].score - relative_floor)
    by_topic: dict[str, list[Hit]] = {}
    for hit in ordered:
        if hit.score >= min_score:
            by_topic.setdefault(hit.passage.topic, []).append(hit)
    chosen: list[Hit] = []
    for topic_hits in by_topic.values():
        best = topic_hits[0].score
        preferred = [
            h for h in topic_hits if h.passage.lang == lang and h.score >= best - language_margin
        ]
        rest = [h for h in topic_hits if h not in preferred]
        chosen.extend((preferred + rest)[:per_topic])
    chosen.sort(key=lambda hit: -hit.score)
    return chosen[:k]
