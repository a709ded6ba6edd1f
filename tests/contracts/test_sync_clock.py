from __future__ import annotations

import pytest

from contracts.sync import (
    MAX_CLOCK_SKEW_MS,
    MAX_COUNTER,
    MAX_WALL_MS,
    ClockError,
    HybridClock,
    Timestamp,
)


class SteppedWall:
    """A wall clock the test moves by hand (it may go backwards, as real ones do)."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_now_follows_the_wall_clock() -> None:
    wall = SteppedWall(1000)
    clock = HybridClock(wall)
    assert clock.now() == Timestamp(1000, 0)
    wall.ms = 1005
    assert clock.now() == Timestamp(1005, 0)


def test_now_never_goes_backwards() -> None:
    wall = SteppedWall(5000)
    clock = HybridClock(wall)
    first = clock.now()
    wall.ms = 10  # the device clock jumped back
    second, third = clock.now(), clock.now()
    assert first < second < third
    assert second == Timestamp(5000, 1)


def test_receive_moves_past_a_clock_from_the_future() -> None:
    wall = SteppedWall(1000)
    clock = HybridClock(wall)
    remote = Timestamp(9000, 7)
    clock.receive(remote)
    assert clock.now() > remote
    assert clock.now().wall_ms == 9000


def test_receive_of_an_older_clock_changes_nothing() -> None:
    clock = HybridClock(SteppedWall(1000))
    clock.now()
    before = clock.last
    clock.receive(Timestamp(10, 0))
    assert clock.last == before


def test_counter_overflow_moves_to_the_next_millisecond() -> None:
    clock = HybridClock(SteppedWall(1), last=Timestamp(1000, 999_999))
    assert clock.now() == Timestamp(1001, 0)


def test_encoding_sorts_like_the_timestamps() -> None:
    stamps = [Timestamp(2, 0), Timestamp(10, 5), Timestamp(10, 40), Timestamp(1_700_000_000_000, 1)]
    encoded = [s.encode() for s in stamps]
    assert sorted(encoded) == encoded
    assert [Timestamp.parse(e) for e in encoded] == stamps


@pytest.mark.parametrize("text", ["", "1-2", "000000000001000-00000", "00000000000100a-000000", "x" * 22])
def test_parse_refuses_malformed_values(text: str) -> None:
    with pytest.raises(ClockError, match="Bad clock value"):
        Timestamp.parse(text)


def test_out_of_range_is_refused() -> None:
    with pytest.raises(ClockError, match="counter"):
        Timestamp(1, 10**6)
    with pytest.raises(ClockError, match="wall_ms"):
        Timestamp(-1, 0)


def test_a_remote_clock_far_ahead_is_not_adopted() -> None:
    wall = SteppedWall(1_000_000)
    clock = HybridClock(wall)
    clock.receive(Timestamp(1_000_000 + MAX_CLOCK_SKEW_MS, 5))  # within the skew: adopted
    assert clock.last == Timestamp(1_000_000 + MAX_CLOCK_SKEW_MS, 5)
    clock.receive(Timestamp(MAX_WALL_MS, MAX_COUNTER))  # a broken device's clock
    assert clock.last == Timestamp(1_000_000 + MAX_CLOCK_SKEW_MS, 5)
    assert clock.now() == Timestamp(1_000_000 + MAX_CLOCK_SKEW_MS, 6)  # edits go on


def test_a_saved_clock_far_ahead_is_dropped_on_load() -> None:
    clock = HybridClock(SteppedWall(5_000), last=Timestamp(MAX_WALL_MS, MAX_COUNTER))
    assert clock.now() == Timestamp(5_000, 0)
