"""Spaced repetition: every answered question becomes a card scheduled by FSRS.

The scheduler is the ``fsrs`` package (py-fsrs, pure Python; vendored as a wheel for
Pyodide by ``builder.wheels``), not code of ours. It is set up without same-day learning
steps, so a card's first answer schedules it in days: a wrong answer (``Again``) comes
back tomorrow, a right one (``Good``) in a few days, and each later right answer waits
longer. Fuzzing is off, so the same answers give the same dates (tests, and two devices).

A card is stored as a record (``to_record``) in the ``cards`` collection under the
question's id, with the question itself, so a review can ask it again even after the
library changed.

>>> card = StudyCard.new(question, roadmap="git", now=now)   # doctest: +SKIP
>>> card.answer(AGAIN, now).due.date() == (now + timedelta(days=1)).date()  # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from fsrs import Card, Rating, Scheduler

from app.core.learner.quiz import Question

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def moment(at_ms: int) -> dt.datetime:
    """An aware UTC datetime from milliseconds since the epoch."""
    return dt.datetime.fromtimestamp(at_ms / 1000, dt.UTC)


def millis(at: dt.datetime) -> int:
    return round(at.timestamp() * 1000)


def _card_id(question_id: str) -> int:
    # fsrs wants an integer id; a stable one from the question id (within 2^53 for JSON).
    return int(hashlib.sha256(question_id.encode()).hexdigest()[:13], 16)


@dataclass(frozen=True)
class StudyCard:
    """One question's schedule: the question, its trail, the FSRS card, and counts."""

    question: Question
    roadmap: str
    card: Card
    reviews: int = 0
    lapses: int = 0
    last_verdict: str = ""
    last_ms: int = 0

    @classmethod
    def new(cls, question: Question, roadmap: str, now: dt.datetime) -> StudyCard:
        return cls(question, roadmap, Card(card_id=_card_id(question.id), due=now))

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def topic(self) -> str:
        return self.question.topic

    @property
    def due(self) -> dt.datetime:
        return self.card.due

    @property
    def stability(self) -> float:
        """Days until recall falls to 90%; 0 for a card never answered."""
        return float(self.card.stability or 0.0)

    def answer(self, rating: int, now: dt.datetime, verdict: str = "") -> StudyCard:
        """The card after an answer rated ``rating`` (1 again … 4 easy) at ``now``."""
        card, _log = SCHEDULER.review_card(self.card, Rating(rating), now)
        return replace(self, card=card, reviews=self.reviews + 1,
                       lapses=self.lapses + (rating == Rating.Again and self.reviews > 0),
                       last_verdict=verdict, last_ms=millis(now))

    def retrievability(self, now: dt.datetime) -> float:
        """The chance (0..1) the learner still knows it at ``now``; 0 if never answered."""
        if self.card.last_review is None:
            return 0.0
        return float(SCHEDULER.get_card_retrievability(self.card, now))

    def is_due(self, until: dt.datetime) -> bool:
        return self.reviews > 0 and self.card.due <= until

    def to_record(self) -> dict[str, Any]:
        return {"question": self.question.to_record(), "roadmap": self.roadmap,
                "fsrs": self.card.to_dict(), "reviews": self.reviews, "lapses": self.lapses,
                "last_verdict": self.last_verdict, "last": self.last_ms}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> StudyCard:
        """Raise ValueError on a record that is not a card."""
        try:
            question = Question.from_record(record["question"])
            card = Card.from_dict(record["fsrs"])
            return cls(question, str(record["roadmap"]), card, int(record.get("reviews", 0)),
                       int(record.get("lapses", 0)), str(record.get("last_verdict", "")),
                       int(record.get("last", 0)))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"not a study card: {error}") from None


def end_of_day(now: dt.datetime, utc_offset_minutes: int = 0) -> dt.datetime:
    """The last moment of the learner's calendar day containing ``now`` (as UTC)."""
    local = now + dt.timedelta(minutes=utc_offset_minutes)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    return midnight - dt.timedelta(minutes=utc_offset_minutes, microseconds=1)
