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

# The best topic's score below which the library does not cover a question, per embedder
# (cosines are the embedder's own scale). multilingual-e5-small, bench/tutor_retrieval.py:
# on-topic questions' best scores 0.805–0.92 (p10 0.825), off-topic 0.74–0.82; at 0.81,
# 8 of 10 off-topic questions and 1 of 48 on-topic ones are refused.
COVERED_FLOORS = {"multilingual-e5-small": 0.81}


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


def rows_by_language(passages: Sequence[Passage], roadmap: str | None) -> dict[str, list[int]]:
    """Rows to search per passage language: of ``roadmap``, or of the whole library when it
    is None or has no passages. Each language is searched on its own (``align_languages``)."""
    scoped = [p for p in passages if p.roadmap == roadmap] or list(passages)
    groups: dict[str, list[int]] = {}
    for passage in scoped:
        groups.setdefault(passage.lang, []).append(passage.row)
    return groups


# How far e5-small scores a passage in another language than the question's below one in
# its own for the same content: measured 0.02–0.06. bench/tutor_retrieval.py, library-wide
# Russian questions hit@1 / hit@3: 0.38 / 0.52 uncorrected, 0.57 / 0.71 at 0.03 (English
# unchanged at 0.67 / 0.81); 0.04 gave Russian 0.67 but cost English hit@3 0.03.
CROSS_LANGUAGE_GAP = 0.03


def align_languages(
    found: Sequence[tuple[int, float]], passages: Sequence[Passage], lang: str,
    gap: float = CROSS_LANGUAGE_GAP,
) -> list[tuple[int, float]]:
    """``found`` rows with the scores of passages in other languages than ``lang`` (the
    learner's, which their question is written in) raised by ``gap``, but never above the
    best passage in ``lang``.

    e5 scores passages in the question's language higher: a Russian question on the
    English-only Git trail otherwise ranks unrelated Russian Python passages above the
    English answer. Each language is searched on its own (``rows_by_language``) so that
    every language brings its nearest passages; the cap keeps another language from
    outranking the learner's best on a bonus alone. With no passage in ``lang`` the scores
    stay as they are.
    """
    best: dict[str, float] = {}
    for row, score in found:
        if 0 <= row < len(passages):
            language = passages[row].lang
            best[language] = max(best.get(language, score), score)
    if lang not in best:
        return list(found)
    return [(row, score + min(max(best[lang] - best[passages[row].lang], 0.0), gap))
            if 0 <= row < len(passages) else (row, score) for row, score in found]


def rank(
    hits: Sequence[tuple[int, float]],
    passages: Sequence[Passage],
    lang: str,
    *,
    k: int = 3,
    per_topic: int = 1,
    min_score: float = 0.0,
    language_margin: float = 0.05,
    relative_floor: float = 0.03,
) -> list[Hit]:
    """Best ``k`` topics, at most ``per_topic`` passages each, in the learner's language
    where it has one.

    A topic scores its best passage in any language, and topics are ordered and kept by
    that score: e5 scores a passage's translation a few hundredths apart from it, so
    ordering by the passage finally shown would let the language, not the content,
    decide. Topics more than ``relative_floor`` behind the best topic are dropped (e5's
    cosines sit in a narrow band: far behind is off topic even when the score looks
    high), and so is everything below ``min_score``.

    Within a topic, a passage in ``lang`` within ``language_margin`` of the topic's best
    comes first and carries the topic's score: a Russian learner gets the Russian passage
    cited, ranked as the topic deserves. Further passages of a topic must clear the
    floors on their own score.
    """
    by_topic: dict[str, list[Hit]] = {}
    for row, score in sorted(hits, key=lambda pair: -pair[1]):
        if 0 <= row < len(passages):
            by_topic.setdefault(passages[row].topic, []).append(Hit(passages[row], score))
    if not by_topic:
        return []
    best = max(topic_hits[0].score for topic_hits in by_topic.values())
    floor = max(min_score, best - relative_floor)
    chosen: list[Hit] = []
    for topic_hits in sorted(by_topic.values(), key=lambda topic_hits: -topic_hits[0].score):
        top = topic_hits[0].score
        if top < floor:
            break
        preferred = [h for h in topic_hits if h.passage.lang == lang and h.score >= top - language_margin]
        ordered = preferred + [h for h in topic_hits if h not in preferred]
        chosen.append(Hit(ordered[0].passage, top))
        chosen.extend(h for h in ordered[1:per_topic] if h.score >= floor)
    chosen.sort(key=lambda hit: -hit.score)  # stable: a topic's own passages stay in order
    return chosen[:k]


def covers(hits: Sequence[Hit], floor: float) -> bool:
    """Whether ranked ``hits`` support an answer: the best topic reaches ``floor``."""
    return bool(hits) and hits[0].score >= floor
