"""Progress on the device: marks survive a reload, a reset can be undone, study days
make a streak, and a full disk becomes a notice while the visit goes on."""

from __future__ import annotations

import asyncio

from app.core.learner.store import MemoryStore
from app.services.progress import ProgressBook

DAY_MS = 86_400_000
START_MS = 1_764_633_600_000  # 2025-12-02 00:00 UTC


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS + 10 * 3_600_000

    def __call__(self) -> int:
        return self.ms


def book_on(store: MemoryStore, clock: Clock) -> ProgressBook:
    book = ProgressBook(store, now_ms=clock)
    asyncio.run(book.load())
    return book


def test_marks_and_study_days_survive_a_reload() -> None:
    store, clock = MemoryStore(), Clock()
    book = book_on(store, clock)
    asyncio.run(book.mark("python.loops", "done"))
    clock.ms += DAY_MS
    asyncio.run(book.mark("python.functions", "learning"))
    asyncio.run(book.mark("python.strings", "skipped"))
    asyncio.run(book.mark("python.strings", None))  # pressed again: cleared
    reloaded = book_on(store, clock)
    assert reloaded.progress.status("python.loops") == "done"
    assert reloaded.progress.status("python.functions") == "learning"
    assert reloaded.progress.status("python.strings") is None
    assert reloaded.streak() == 2 and reloaded.notice == ""


def test_a_reset_clears_one_trail_and_undo_brings_it_back() -> None:
    store, clock = MemoryStore(), Clock()
    book = book_on(store, clock)
    for topic in ("python.loops", "python.functions", "git.branches"):
        asyncio.run(book.mark(topic, "done"))
    assert asyncio.run(book.reset("python", ["python.loops", "python.functions", "python.strings"])) == 2
    assert book.can_undo() == "python"
    assert book_on(store, clock).progress.status("python.loops") is None  # gone on the device too
    assert book.progress.status("git.branches") == "done"
    assert asyncio.run(book.undo()) is True and book.can_undo() is None
    assert book_on(store, clock).progress.status("python.loops") == "done"
    assert asyncio.run(book.undo()) is False


def test_a_new_mark_ends_the_chance_to_undo() -> None:
    book = book_on(MemoryStore(), Clock())
    asyncio.run(book.mark("python.loops", "done"))
    asyncio.run(book.reset("python", ["python.loops"]))
    asyncio.run(book.mark("python.functions", "done"))
    assert book.can_undo() is None


def test_a_full_disk_keeps_the_mark_for_the_visit_and_says_so() -> None:
    book = book_on(MemoryStore(quota_bytes=10), Clock())
    asyncio.run(book.mark("python.loops", "done"))
    assert book.progress.status("python.loops") == "done"
    assert "Not enough space" in book.notice


def test_an_unreadable_mark_is_skipped_with_a_notice() -> None:
    import json

    store = MemoryStore(texts={
        ("progress", "python.loops"): json.dumps({"v": 1, "value": {"status": "done", "at": 5}}),
        ("progress", "python.bad"): json.dumps({"v": 1, "value": {"status": "??"}}),
    })
    book = book_on(store, Clock())
    assert book.progress.status("python.loops") == "done" and "python.bad" in book.notice


def test_loading_again_shows_what_sync_wrote_and_drops_what_it_deleted() -> None:
    store, clock = MemoryStore(), Clock()
    book = book_on(store, clock)
    asyncio.run(book.mark("python.loops", "done"))
    other = book_on(store, clock)  # another device's marks, written by sync
    asyncio.run(other.mark("python.loops", None))
    asyncio.run(other.mark("python.functions", "learning"))
    asyncio.run(book.load())
    assert book.progress.status("python.loops") is None
    assert book.progress.status("python.functions") == "learning"
