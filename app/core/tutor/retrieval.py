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


# How much the lexical share (the part of the question's words a passage holds, 0..1, see
# ``fuse``) adds to the embedder's cosine. bench/tutor_quality.py --cpython (80 on-topic
# questions, hit@1 scoped / library-wide): 0 gives 0.71 / 0.64, 0.06 0.76 / 0.75, 0.15
# 0.84 / 0.80, 0.2 0.81 / 0.79, 0.25 0.80 / 0.76.
LEXICAL_WEIGHT = 0.15


def fuse(
    found: Sequence[tuple[int, float]], lexical: Mapping[int, float], ideal: float,
    passages: Sequence[Passage], weight: float = LEXICAL_WEIGHT,
) -> list[tuple[int, float]]:
    """Dense and lexical evidence as one score per row: the embedder's cosine plus
    ``weight`` times the share of the question's words the passage holds (its BM25 over
    ``ideal``, the score of a passage holding every word; at most 1).

    A row the lexical search found but the embedder's nearest rows did not gets the lowest
    cosine found in its language (or overall): it is at least that far from the question,
    and its words must lift it. With no lexical evidence the scores stay the embedder's, so
    the covered floor keeps its meaning for questions whose words the library lacks.
    """
    dense: dict[int, float] = {}
    for row, score in found:
        if 0 <= row < len(passages):
            dense[row] = max(dense.get(row, score), score)
    lowest: dict[str, float] = {}
    for row, score in dense.items():
        language = passages[row].lang
        lowest[language] = min(lowest.get(language, score), score)
    fallback = min(dense.values(), default=0.0)
    fused = []
    for row in set(dense) | {r for r in lexical if 0 <= r < len(passages)}:
        share = min(lexical.get(row, 0.0) / ideal, 1.0) if ideal > 0 else 0.0
        base = dense.get(row, lowest.get(passages[row].lang, fallback))
        fused.append((row, base + weight * share))
    return sorted(fused, key=lambda pair: (-pair[1], pair[0]))


@dataclass(frozen=True)
class Evidence:
    """How well a scope's passages support a question: the best passage's cosine (after
    ``align_languages``) and the best share of the question's words one passage holds
    (``fuse``'s share; 0 without a lexical index)."""

    dense: float
    share: float


@dataclass(frozen=True)
class CoverFloors:
    """When a question is covered: ``sure`` cosine alone, or ``dense`` with a ``share`` of
    its words found; ``alone`` is the cosine floor for a library without a lexical index."""

    alone: float
    sure: float
    dense: float
    share: float


# multilingual-e5-small, bench/tutor_quality.py --cpython, 80 on-topic and 14 off-topic
# questions, scoped and library-wide: off-topic best cosines 0.72-0.84 with word shares
# up to 0.37 (a shared everyday word: "good", "home"); on-topic cosines 0.77-0.93, word
# shares mostly 0.4-1 (Russian questions on English trails: cosines 0.77-0.83, shares 0.5-0.9
# through the glossary). These floors refuse 28 of 28 off-topic asks and 7 of 160 on-topic
# ones; the cosine alone (0.81, no index) refused 15 of 28 and 2 of 160.
COVER_FLOORS = {"multilingual-e5-small": CoverFloors(alone=0.81, sure=0.85, dense=0.76, share=0.4)}


def evidence(found: Sequence[tuple[int, float]], lexical: Mapping[int, float],
             ideal: float) -> Evidence:
    """The ``Evidence`` of ``found`` rows (aligned cosines) and their ``lexical`` scores."""
    dense = max((score for _, score in found), default=0.0)
    share = min(max(lexical.values(), default=0.0) / ideal, 1.0) if ideal > 0 else 0.0
    return Evidence(dense, share)


def supported(seen: Evidence, floors: CoverFloors, lexical: bool) -> bool:
    """Whether ``seen`` supports an answer (``lexical``: the library has a word index)."""
    if not lexical:
        return seen.dense >= floors.alone
    return seen.dense >= floors.sure or (seen.dense >= floors.dense and seen.share >= floors.share)
