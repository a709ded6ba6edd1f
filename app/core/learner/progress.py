"""Progress through the trails: what the learner marked, how far each trail is, what to
open next, and the days they studied.

Progress is keyed by the stable topic id (the ``id:`` of a topic's front matter, not its
file name), so it follows a topic when an author moves or renames its file.

>>> progress = Progress({"python.loops": Mark("done", 1_733_100_000_000)})
>>> progress.status("python.loops")
'done'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

Status = Literal["learning", "done", "skipped"]
STATUSES: tuple[Status, ...] = get_args(Status)
# A topic in one of these needs no more work: it counts toward the trail's share and
# satisfies the topics that require it.
FINISHED: frozenset[Status] = frozenset({"done", "skipped"})


@dataclass(frozen=True)
class Mark:
    """What the learner said of one topic, and when (milliseconds since the epoch)."""

    status: Status
    at_ms: int

    def to_record(self) -> dict[str, Any]:
        return {"status": self.status, "at": self.at_ms}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Mark:
        """Raise ValueError on a record that is not a mark."""
        status, at = record.get("status"), record.get("at")
        if status not in STATUSES or not isinstance(at, int) or isinstance(at, bool):
            raise ValueError(f"not a progress mark: {dict(record)!r:.80}")
        return cls(status, at)


@dataclass(frozen=True)
class TrailShare:
    """How far one trail is: topics finished (done or skipped), done, and in all."""

    finished: int
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.finished / self.total) if self.total else 0


class Progress:
    """Every topic's mark; topics never marked are simply absent."""

    def __init__(self, marks: Mapping[str, Mark] | None = None) -> None:
        self.marks: dict[str, Mark] = dict(marks or {})

    def status(self, topic_id: str) -> Status | None:
        mark = self.marks.get(topic_id)
        return None if mark is None else mark.status

    def finished(self, topic_id: str) -> bool:
        return self.status(topic_id) in FINISHED

    def share(self, topic_ids: Sequence[str]) -> TrailShare:
        """How far the trail of ``topic_ids`` is."""
        finished = sum(self.finished(t) for t in topic_ids)
        done = sum(self.status(t) == "done" for t in topic_ids)
        return TrailShare(finished, done, len(topic_ids))

    def next_topic(self, topic_ids: Sequence[str], requires: Mapping[str, Sequence[str]]) -> str | None:
        """The topic to continue with: the first unfinished one in trail order whose
        prerequisites are all finished, else the first unfinished one (a learner may
        skip ahead); None when the trail is finished."""
        unfinished = [t for t in topic_ids if not self.finished(t)]
        for topic_id in unfinished:
            if all(self.finished(req) for req in requires.get(topic_id, ())):
                return topic_id
        return unfinished[0] if unfinished else None

    def started(self, topic_ids: Iterable[str]) -> bool:
        return any(t in self.marks for t in topic_ids)


def day_of(at_ms: int, utc_offset_minutes: int = 0) -> str:
    """The learner's calendar day (``YYYY-MM-DD``) of a moment, in their time zone."""
    moment = dt.datetime.fromtimestamp(at_ms / 1000, dt.UTC) + dt.timedelta(minutes=utc_offset_minutes)
    return moment.date().isoformat()


def streak(days: Iterable[str], today: str) -> int:
    """Consecutive study days ending today, or yesterday (today may not have begun)."""
    studied = set(days)
    current = dt.date.fromisoformat(today)
    if today not in studied:
        current -= dt.timedelta(days=1)
    count = 0
    while current.isoformat() in studied:
        count += 1
        current -= dt.timedelta(days=1)
    return count
