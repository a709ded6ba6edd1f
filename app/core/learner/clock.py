"""The study clock: now in milliseconds, moved by whole days for ``?clock=+1d``.

Reviews fall due by the learner's calendar, so a test (or a curious learner) sees
tomorrow's reviews by opening the page with ``?clock=+1d`` (``-2d`` goes back); any
other value keeps the real time.

>>> shift_days("?clock=+1d&tutor=x")
1
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib.parse import parse_qs

DAY_MS = 86_400_000
MAX_DAYS = 3650
_SHIFT = re.compile(r"^([+-]?)(\d{1,4})d$")


def shift_days(query: str) -> int:
    """The days ``?clock=`` in ``query`` moves the clock by; 0 when absent or malformed."""
    value = parse_qs(query.removeprefix("?")).get("clock", [""])[0].strip()
    found = _SHIFT.match(value)
    if found is None:
        return 0
    days = int(found.group(2))
    if days > MAX_DAYS:
        return 0
    return -days if found.group(1) == "-" else days


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def study_clock(query: str, real: Callable[[], int] = now_ms) -> Callable[[], int]:
    """Milliseconds since the epoch, shifted by ``shift_days(query)``."""
    offset = shift_days(query) * DAY_MS
    return lambda: real() + offset
