"""How well the learner knows a topic, from evidence rather than their own mark.

Two kinds of evidence: recent quiz results (the last ``RECENT``, newer ones weigh more)
and the topic's cards: how stable FSRS thinks each memory is (stability in days, full at
``STABLE_DAYS``), times the chance it is still remembered now. A card answered once is
barely stable whatever the answer, so "strong" takes right answers over days. Shown next
to the self-marked state: a topic marked done but failed in its quiz says so.

>>> mastery([Result("q1", "right", 1.0, 0)], [], now).level      # doctest: +SKIP
'learning'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from app.core.learner.cards import StudyCard

Level = Literal["untested", "weak", "learning", "strong"]
LEVELS: tuple[Level, ...] = get_args(Level)
RECENT = 10
DECAY = 0.8  # each older result weighs this much of the next newer one
# Results kept per topic in the store.
KEEP = 50
STRONG, WEAK = 0.8, 0.5
MIN_STRONG_RESULTS = 3
STABLE_DAYS = 7.0


@dataclass(frozen=True)
class Result:
    """One answered question: its id, the verdict, the score and when (ms)."""

    question: str
    verdict: str
    score: float
    at_ms: int

    def to_record(self) -> dict[str, Any]:
        return {"q": self.question, "verdict": self.verdict, "score": self.score, "at": self.at_ms}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Result:
        try:
            return cls(str(record["q"]), str(record["verdict"]), float(record["score"]), int(record["at"]))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a quiz result: {error}") from None


@dataclass(frozen=True)
class Mastery:
    level: Level
    score: float  # 0..1
    results: int  # how many results it rests on

    @property
    def percent(self) -> int:
        return round(100 * self.score)


UNTESTED = Mastery("untested", 0.0, 0)


def recent_accuracy(results: Sequence[Result]) -> float:
    """Recency-weighted mean score of the last RECENT results (0 when there are none)."""
    latest = sorted(results, key=lambda r: r.at_ms, reverse=True)[:RECENT]
    weights = [DECAY ** i for i in range(len(latest))]
    total = sum(weights)
    return sum(w * r.score for w, r in zip(weights, latest, strict=True)) / total if total else 0.0


def mastery(results: Sequence[Result], cards: Sequence[StudyCard], now: dt.datetime) -> Mastery:
    """The topic's mastery from its ``results`` and ``cards``."""
    if not results:
        return UNTESTED
    accuracy = recent_accuracy(results)
    answered = [card for card in cards if card.reviews > 0]
    if answered:
        memory = sum(card.retrievability(now) * min(1.0, card.stability / STABLE_DAYS)
                     for card in answered) / len(answered)
        score = 0.6 * accuracy + 0.4 * memory
    else:
        score = accuracy
    if score >= STRONG and len(results) >= MIN_STRONG_RESULTS:
        level: Level = "strong"
    elif score < WEAK:
        level = "weak"
    else:
        level = "learning"
    return Mastery(level, round(score, 3), len(results))
