"""The study clock: ``?clock=`` moves it by whole days, anything else keeps real time."""

from __future__ import annotations

import pytest

from app.core.learner.clock import DAY_MS, shift_days, study_clock


@pytest.mark.parametrize(("query", "days"), [
    ("?clock=+1d", 1), ("?clock=%2B2d", 2), ("clock=-3d", -3), ("?clock=1d&tutor=x", 1),
    ("", 0), ("?clock=tomorrow", 0), ("?clock=1h", 0), ("?clock=+99999d", 0), ("?tutor=x", 0),
])
def test_shift_days_reads_whole_days_only(query: str, days: int) -> None:
    assert shift_days(query) == days


def test_study_clock_adds_the_shift_to_the_real_time() -> None:
    clock = study_clock("?clock=+2d", real=lambda: 1_000)
    assert clock() == 1_000 + 2 * DAY_MS
    assert study_clock("", real=lambda: 5)() == 5
