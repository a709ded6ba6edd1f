"""Spaced repetition through the fsrs package: a wrong answer comes back sooner than a
right one, cards survive a round trip through the store's JSON, and "due today" ends at
the learner's midnight."""

from __future__ import annotations

import datetime as dt
import json

import fsrs
import pytest

from app.core.learner.cards import SCHEDULER, StudyCard, end_of_day
from app.core.learner.grading import AGAIN, GOOD, HARD
from app.core.learner.quiz import Question

NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)
QUESTION = Question("git.tags:1", "git.tags", "en", "cloze", "Fill in the blank: A _____ marks a release.",
                    ("tag", "branch", "remote", "hook"), 0, "tag", "A tag marks a release.", "")


def test_the_scheduler_is_fsrs_itself() -> None:
    assert fsrs.__name__ == "fsrs" and isinstance(SCHEDULER, fsrs.Scheduler)
    from importlib.metadata import version
    assert version("fsrs") == "6.3.2"


def test_a_wrong_answer_comes_back_tomorrow_and_a_right_one_later() -> None:
    card = StudyCard.new(QUESTION, "git", NOW)
    assert not card.is_due(end_of_day(NOW))  # never answered: not a review yet
    wrong = card.answer(AGAIN, NOW, "wrong")
    right = card.answer(GOOD, NOW, "right")
    tomorrow = end_of_day(NOW + dt.timedelta(days=1))
    assert wrong.due.date() == (NOW + dt.timedelta(days=1)).date()
    assert wrong.is_due(tomorrow) and not right.is_due(tomorrow)
    assert right.due > wrong.due and right.stability > wrong.stability
    assert not wrong.is_due(end_of_day(NOW))  # not again today


def test_each_right_review_waits_longer_and_a_lapse_shortens_it() -> None:
    card = StudyCard.new(QUESTION, "git", NOW).answer(GOOD, NOW)
    first_gap = card.due - NOW
    again = card.answer(GOOD, card.due)
    assert again.due - card.due > first_gap
    lapsed = again.answer(AGAIN, again.due)
    assert lapsed.due - again.due < again.due - card.due
    assert (lapsed.reviews, lapsed.lapses) == (3, 1)
    hard = StudyCard.new(QUESTION, "git", NOW).answer(HARD, NOW)
    assert NOW < hard.due <= card.due


def test_cards_round_trip_through_json() -> None:
    card = StudyCard.new(QUESTION, "git", NOW).answer(AGAIN, NOW, "wrong")
    again = StudyCard.from_record(json.loads(json.dumps(card.to_record())))
    assert again.to_record() == card.to_record()
    assert again.due == card.due and again.question == QUESTION
    with pytest.raises(ValueError, match="not a study card"):
        StudyCard.from_record({"question": QUESTION.to_record()})


def test_retrievability_falls_with_time() -> None:
    card = StudyCard.new(QUESTION, "git", NOW)
    assert card.retrievability(NOW) == 0.0
    answered = card.answer(GOOD, NOW)
    day, month = NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=30)
    assert answered.retrievability(day) > answered.retrievability(month)


def test_today_ends_at_the_learners_midnight() -> None:
    late = dt.datetime(2026, 12, 2, 22, 30, tzinfo=dt.UTC)
    assert end_of_day(late).isoformat().startswith("2026-12-02T23:59:59")
    # UTC+3: 22:30 UTC is already 01:30 on the 3rd, whose end is 20:59:59 UTC on the 3rd.
    assert end_of_day(late, 180).isoformat().startswith("2026-12-03T20:59:59")
