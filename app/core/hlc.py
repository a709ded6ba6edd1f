"""Hybrid logical clock (Kulkarni et al., 2014) for ordering edits across devices.

A timestamp is wall-clock milliseconds plus a counter. ``now()`` never goes backwards
even if the device clock does, and ``receive()`` moves past any timestamp seen from
another device, so an edit made after seeing another edit always orders after it.

Encoded as ``"{wall_ms:015d}-{counter:06d}"``: fixed width, so string order is clock
order (the server compares the strings). The merge rule built on it is in
``app.core.lww``.

>>> clock = HybridClock(wall_ms=lambda: 1_000)
>>> clock.now().encode()
'000000000001000-000000'
>>> clock.now().encode()
'000000000001000-000001'
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_WALL_MS = 10**15 - 1
MAX_COUNTER = 10**6 - 1
_FORMAT = re.compile(r"^([0-9]{15})-([0-9]{6})$")


class ClockError(ValueError):
    """A timestamp string is malformed or out of range."""


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise ClockError(f"wall_ms {self.wall_ms} is outside 0..{MAX_WALL_MS}")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise ClockError(f"counter {self.counter} is outside 0..{MAX_COUNTER}")

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:06d}"

    @classmethod
    def parse(cls, text: str) -> Timestamp:
        match = _FORMAT.match(text)
        if match is None:
            raise ClockError(f"Bad clock value {text!r}: expected 15 digits, '-', 6 digits")
        return cls(int(match.group(1)), int(match.group(2)))

    def successor(self) -> Timestamp:
        """The next timestamp: counter + 1, or the next millisecond when it is full."""
        if self.counter < MAX_COUNTER:
            return Timestamp(self.wall_ms, self.counter + 1)
        return Timestamp(self.wall_ms + 1, 0)


ZERO = Timestamp(0, 0)


def system_wall_ms() -> int:
    return time.time_ns() // 1_000_000


class HybridClock:
    """The device's clock. ``last`` restores the state saved before a reload."""

    def __init__(self, wall_ms: Callable[[], int] = system_wall_ms, last: Timestamp = ZERO) -> None:
        self._wall_ms = wall_ms
        self.last = last

    def now(self) -> Timestamp:
        """A timestamp for a local edit, greater than every one issued or received."""
        physical = self._wall_ms()
        if physical > self.last.wall_ms:
            self.last = Timestamp(physical, 0)
        else:
            self.last = self.last.successor()
        return self.last

    def receive(self, remote: Timestamp) -> Timestamp:
        """Account for a timestamp seen from another device."""
        if remote > self.last:
            self.last = remote
        physical = self._wall_ms()
        if physical > self.last.wall_ms:
            self.last = Timestamp(physical, 0)
        return self.last
