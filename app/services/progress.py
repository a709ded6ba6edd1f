"""The learner's progress kept on the device: marks per topic, study days, a per-trail
reset that can be undone. Local first: it needs no account and no network.

Stored in the ``progress`` collection (topic id → ``Mark`` record) and under
``meta/study_days`` (the sorted list of days with a mark).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from app.core.learner.progress import Mark, Progress, Status, day_of, streak
from app.core.learner.store import StoreError
from app.ports import Store

DAYS_KEY = "study_days"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class ProgressBook:
    """Progress as the UI sees it. ``notice`` says what the device's storage refused;
    the marks then still hold for this visit."""

    def __init__(self, store: Store, now_ms: Callable[[], int] = _now_ms,
                 utc_offset_minutes: Callable[[], int] = lambda: 0) -> None:
        self.store = store
        self.now_ms = now_ms
        self.utc_offset_minutes = utc_offset_minutes
        self.progress = Progress()
        self.days: set[str] = set()
        self.notice = ""
        # The marks a reset removed, and the trail they belong to, until undone.
        self._undo: tuple[str, dict[str, Mark]] | None = None

    async def load(self) -> None:
        """Read the saved marks (again, after sync wrote other devices' marks: a mark
        deleted there is gone here too); an unreadable one is skipped with a notice."""
        try:
            saved = await self.store.items("progress")
            days = await self.store.get("meta", DAYS_KEY)
        except StoreError as error:
            self.notice = str(error)
            return
        marks: dict[str, Mark] = {}
        for topic_id, record in saved:
            try:
                marks[topic_id] = Mark.from_record(record)
            except (ValueError, AttributeError) as error:
                self.notice = f"the saved progress of {topic_id} could not be read: {error}"
        self.progress.marks.clear()
        self.progress.marks.update(marks)
        self.days = {str(day) for day in days} if isinstance(days, list) else set()

    def today(self) -> str:
        return day_of(self.now_ms(), self.utc_offset_minutes())

    def streak(self) -> int:
        return streak(self.days, self.today())

    async def mark(self, topic_id: str, status: Status | None) -> None:
        """Mark ``topic_id`` (None clears its mark); a mark makes today a study day."""
        self._undo = None
        if status is None:
            self.progress.marks.pop(topic_id, None)
            await self._write(self.store.delete("progress", topic_id))
            return
        mark = Mark(status, self.now_ms())
        self.progress.marks[topic_id] = mark
        self.days.add(self.today())
        await self._write(self.store.put_many([
            ("progress", topic_id, mark.to_record()), ("meta", DAYS_KEY, sorted(self.days))]))

    async def reset(self, roadmap_id: str, topic_ids: Sequence[str]) -> int:
        """Clear the marks of one trail, keeping them for ``undo``; return how many."""
        removed = {t: self.progress.marks.pop(t) for t in topic_ids if t in self.progress.marks}
        self._undo = (roadmap_id, removed)
        for topic_id in removed:
            await self._write(self.store.delete("progress", topic_id))
        return len(removed)

    def can_undo(self) -> str | None:
        """The trail whose reset can be undone, if any."""
        return self._undo[0] if self._undo else None

    async def undo(self) -> bool:
        """Put back the marks the last reset removed."""
        if self._undo is None:
            return False
        _, removed = self._undo
        self._undo = None
        self.progress.marks.update(removed)
        await self._write(self.store.put_many(
            [("progress", topic_id, mark.to_record()) for topic_id, mark in removed.items()]))
        return True

    async def _write(self, write: Awaitable[None]) -> None:
        try:
            await write
        except StoreError as error:
            self.notice = str(error)
        else:
            self.notice = ""
