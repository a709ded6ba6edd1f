"""The learner's study record on the device: a card per answered question, the quiz
results per topic, and their goal. Local first: no account and no network needed.

Stored in the ``cards`` collection (question id → ``StudyCard`` record), the
``quiz_results`` collection (topic id → list of ``Result`` records, newest last, at most
``mastery.KEEP``), ``meta/goal`` and ``meta/quiz`` (a topic's quiz in progress,
``app.core.learner.resume``). What the device's storage refuses becomes
``notice``; the answers still count for this visit.

The clock is injectable (``now_ms``): the composition root shifts it by whole days for
``?clock=+1d``, which is how a browser test sees tomorrow's reviews.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from app.core.learner.cards import StudyCard, end_of_day, moment
from app.core.learner.grading import Grade
from app.core.learner.mastery import KEEP, UNTESTED, Mastery, Result, mastery
from app.core.learner.profile import LearnerProfile, build_profile, clean_goal, missed_terms
from app.core.learner.progress import Progress
from app.core.learner.quiz import Question
from app.core.learner.resume import KEY as QUIZ_KEY
from app.core.learner.resume import SavedQuiz, read
from app.core.learner.store import StoreError
from app.ports import Store

GOAL_KEY = "goal"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class StudyRecord:
    """Cards, results and goal as the UI sees them."""

    def __init__(self, store: Store, now_ms: Callable[[], int] = _now_ms,
                 utc_offset_minutes: Callable[[], int] = lambda: 0) -> None:
        self.store = store
        self.now_ms = now_ms
        self.utc_offset_minutes = utc_offset_minutes
        self.cards: dict[str, StudyCard] = {}
        self.results: dict[str, list[Result]] = {}
        self.goal = ""
        self.notice = ""
        self.quiz: SavedQuiz | None = None  # the topic's quiz in progress at load

    async def load(self) -> None:
        """Read what is saved; an unreadable record is skipped with a notice."""
        try:
            cards = await self.store.items("cards")
            results = await self.store.items("quiz_results")
            goal = await self.store.get("meta", GOAL_KEY)
            quiz = await self.store.get("meta", QUIZ_KEY)
        except StoreError as error:
            self.notice = str(error)
            return
        self.cards, self.results = {}, {}
        for key, record in cards:
            try:
                self.cards[key] = StudyCard.from_record(record)
            except ValueError as error:
                self.notice = f"the saved card {key} could not be read: {error}"
        for topic, records in results:
            try:
                self.results[topic] = [Result.from_record(r) for r in records]
            except (ValueError, TypeError, AttributeError) as error:
                self.notice = f"the saved quiz results of {topic} could not be read: {error}"
        self.goal = goal if isinstance(goal, str) else ""
        self.quiz = None
        if quiz is not None:
            try:
                self.quiz = read(quiz)
            except ValueError as error:  # dropped: a damaged quiz is never half-shown
                self.notice = f"the quiz in progress could not be read back: {error}"

    def now(self) -> dt.datetime:
        return moment(self.now_ms())

    def end_of_today(self) -> dt.datetime:
        return end_of_day(self.now(), self.utc_offset_minutes())

    async def record(self, question: Question, grade: Grade, roadmap: str) -> StudyCard:
        """Schedule ``question``'s card by ``grade`` and add the result; saved together."""
        now = self.now()
        card = self.cards.get(question.id) or StudyCard.new(question, roadmap, now)
        card = card.answer(grade.rating, now, grade.verdict)
        self.cards[question.id] = card
        result = Result(question.id, grade.verdict, grade.score, self.now_ms())
        kept = [*self.results.get(question.topic, []), result][-KEEP:]
        self.results[question.topic] = kept
        await self._write([("cards", question.id, card.to_record()),
                           ("quiz_results", question.topic, [r.to_record() for r in kept])])
        return card

    def due(self) -> list[StudyCard]:
        """Cards due by the end of the learner's today, most overdue first."""
        until = self.end_of_today()
        return sorted((c for c in self.cards.values() if c.is_due(until)), key=lambda c: (c.due, c.id))

    def next_due(self) -> dt.datetime | None:
        """When the next card after today falls due (None without cards)."""
        until = self.end_of_today()
        later = [c.due for c in self.cards.values() if c.reviews and c.due > until]
        return min(later) if later else None

    def mastery(self, topic: str) -> Mastery:
        results = self.results.get(topic, [])
        if not results:
            return UNTESTED
        return mastery(results, [c for c in self.cards.values() if c.topic == topic], self.now())

    def masteries(self) -> dict[str, Mastery]:
        """Mastery of every topic with quiz results."""
        return {topic: self.mastery(topic) for topic in self.results if self.results[topic]}

    def last_verdicts(self) -> dict[str, str]:
        return {card.id: card.last_verdict for card in self.cards.values() if card.last_verdict}

    def missed_terms(self) -> frozenset[str]:
        """Terms of the questions last answered wrong or partly (``profile.missed_terms``)."""
        return missed_terms((card.question, card.last_verdict) for card in self.cards.values())

    def weak_topics(self) -> tuple[str, ...]:
        """Topics whose quizzes went badly, weakest first (as in the profile)."""
        masteries = self.masteries()
        return tuple(sorted((t for t, m in masteries.items() if m.level == "weak"),
                            key=lambda t: masteries[t].score))

    def not_due(self) -> frozenset[str]:
        until = self.end_of_today()
        return frozenset(c.id for c in self.cards.values() if c.reviews and not c.is_due(until))

    def profile(self, progress: Progress) -> LearnerProfile:
        return build_profile(self.goal, progress, self.masteries())

    async def set_goal(self, goal: str) -> None:
        """Keep the learner's goal; raise ValueError (nothing changed) if it is too long."""
        self.goal = clean_goal(goal)
        await self._write([("meta", GOAL_KEY, self.goal)])

    async def keep_quiz(self, quiz: SavedQuiz | None) -> None:
        """Keep the topic's quiz in progress on the device (None: it is over)."""
        self.quiz = quiz
        if quiz is not None:
            await self._write([("meta", QUIZ_KEY, quiz.to_record())])
            return
        try:
            await self.store.delete("meta", QUIZ_KEY)
        except StoreError as error:
            self.notice = str(error)

    async def _write(self, writes: list[tuple[str, str, object]]) -> None:
        try:
            await self.store.put_many(writes)
        except StoreError as error:
            self.notice = str(error)
        else:
            self.notice = ""
