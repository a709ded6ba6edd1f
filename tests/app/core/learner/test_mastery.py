"""Mastery from evidence: recent quiz results (newer weigh more) and card memory."""

from __future__ import annotations

import datetime as dt

from app.core.learner.cards import StudyCard, millis
from app.core.learner.grading import AGAIN, GOOD
from app.core.learner.mastery import Result, mastery, recent_accuracy
from app.core.learner.quiz import Question

NOW = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)


def results(*scores: float) -> list[Result]:
    """Oldest first, an hour apart."""
    return [Result(f"q{i}", "right" if s == 1 else "wrong", s, millis(NOW) + i * 3_600_000)
            for i, s in enumerate(scores)]


def card(rating: int, name: str = "q", times: int = 1) -> StudyCard:
    """A card answered ``times`` times with ``rating``, each time when it fell due."""
    question = Question(f"t:{name}", "t", "en", "cloze", "s", ("a", "b", "c"), 0, "a", "", "")
    answered = StudyCard.new(question, "t", NOW).answer(rating, NOW)
    for _ in range(times - 1):
        answered = answered.answer(rating, answered.due)
    return answered


def test_no_results_is_untested() -> None:
    assert mastery([], [], NOW).level == "untested"


def test_newer_results_weigh_more() -> None:
    assert recent_accuracy(results(0, 0, 1, 1)) > 0.5 > recent_accuracy(results(1, 1, 0, 0))


def test_wrong_answers_make_a_topic_weak_and_right_ones_strong() -> None:
    assert mastery(results(0, 0, 1), [card(AGAIN)], NOW).level == "weak"
    reviewed = [card(GOOD, "a", times=2), card(GOOD, "b", times=2)]
    strong = mastery(results(1, 1, 1, 1), reviewed, reviewed[0].card.last_review)  # type: ignore[arg-type]
    assert strong.level == "strong" and strong.percent >= 80


def test_right_answers_on_one_day_are_not_yet_strong() -> None:
    # Memory is not stable yet: the cards were answered once each.
    assert mastery(results(1, 1, 1, 1), [card(GOOD, "a"), card(GOOD, "b")], NOW).level == "learning"


def test_one_right_answer_is_not_yet_strong() -> None:
    assert mastery(results(1), [card(GOOD)], NOW).level == "learning"


def test_fading_memory_lowers_mastery() -> None:
    fresh = mastery(results(1, 1, 1), [card(GOOD)], NOW)
    later = mastery(results(1, 1, 1), [card(GOOD)], NOW + dt.timedelta(days=60))
    assert later.score < fresh.score
