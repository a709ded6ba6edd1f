from __future__ import annotations

import pytest

from app.core.learner.progress import Mark, Progress, day_of, streak

TRAIL = ["a", "b", "c", "d"]
REQUIRES = {"b": ["a"], "c": ["b"], "d": []}


def progress(**statuses: str) -> Progress:
    return Progress({topic: Mark(status, 0) for topic, status in statuses.items()})  # type: ignore[arg-type]


def test_share_counts_done_and_skipped_as_finished() -> None:
    share = progress(a="done", b="skipped", c="learning").share(TRAIL)
    assert (share.finished, share.done, share.total, share.percent) == (2, 1, 4, 50)
    assert Progress().share([]).percent == 0


def test_next_topic_is_the_first_unfinished_whose_prerequisites_are_met() -> None:
    assert Progress().next_topic(TRAIL, REQUIRES) == "a"
    assert progress(a="done").next_topic(TRAIL, REQUIRES) == "b"
    assert progress(a="skipped", b="learning").next_topic(TRAIL, REQUIRES) == "b"
    # c needs b; d needs nothing: with b unfinished, the learner is pointed at b first.
    assert progress(a="done", b="done", c="done").next_topic(TRAIL, REQUIRES) == "d"
    # Skipping ahead: a unfinished but b, c done: a is next, its prerequisites are met.
    assert progress(b="done", c="done", d="done").next_topic(TRAIL, REQUIRES) == "a"
    assert progress(a="done", b="done", c="done", d="skipped").next_topic(TRAIL, REQUIRES) is None


def test_next_topic_falls_back_when_no_prerequisites_are_met() -> None:
    cyclic_free_but_blocked = {"a": ["x"], "b": ["x"]}
    assert Progress().next_topic(["a", "b"], cyclic_free_but_blocked) == "a"


def test_marks_round_trip_and_refuse_garbage() -> None:
    mark = Mark("done", 1_733_100_000_000)
    assert Mark.from_record(mark.to_record()) == mark
    for bad in ({"status": "finished", "at": 1}, {"status": "done"}, {"status": "done", "at": True}):
        with pytest.raises(ValueError, match="not a progress mark"):
            Mark.from_record(bad)


def test_days_follow_the_learners_time_zone() -> None:
    late_evening_utc = 1_733_180_400_000  # 2024-12-02 23:00 UTC
    assert day_of(late_evening_utc) == "2024-12-02"
    assert day_of(late_evening_utc, utc_offset_minutes=180) == "2024-12-03"  # Moscow


def test_streak_counts_back_from_today_or_yesterday() -> None:
    days = ["2026-11-28", "2026-11-30", "2026-12-01", "2026-12-02"]
    assert streak(days, "2026-12-02") == 3
    assert streak(days, "2026-12-03") == 3  # today not studied yet: the streak holds
    assert streak(days, "2026-12-04") == 0
    assert streak([], "2026-12-02") == 0
