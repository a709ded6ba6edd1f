"""The learner's notes, one per topic: Markdown text and when it was last saved.

Stored in the ``notes`` collection by topic id as ``{"text": ..., "at": ms}``; shown
through the tutor's safe Markdown renderer (``app.core.tutor.markdown``), which escapes
everything and keeps only https:// and in-app links.

>>> Note.from_record({"text": "**why** loops end", "at": 1}).text
'**why** loops end'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.core.errors import TropaError

# A page or two of notes per topic; far below the store's per-value limit.
MAX_NOTE_CHARS = 20_000


class NoteTooLong(TropaError):
    """A note over ``MAX_NOTE_CHARS``; ``length`` says how long it was."""

    def __init__(self, length: int, limit: int = MAX_NOTE_CHARS) -> None:
        super().__init__(f"a note may hold at most {limit:,} characters; this one has {length:,}")
        self.length = length
        self.limit = limit


@dataclass(frozen=True)
class Note:
    text: str
    at_ms: int

    def to_record(self) -> dict[str, Any]:
        return {"text": self.text, "at": self.at_ms}

    @classmethod
    def from_record(cls, record: object) -> Note:
        """Raise ValueError on a record that is not a note."""
        if not isinstance(record, Mapping):
            raise ValueError(f"not a note: {record!r:.60}")
        text, at = record.get("text"), record.get("at")
        if not isinstance(text, str) or not isinstance(at, int) or isinstance(at, bool):
            raise ValueError(f"not a note: {dict(record)!r:.80}")
        if len(text) > MAX_NOTE_CHARS:
            raise ValueError(f"a note of {len(text):,} characters is over the {MAX_NOTE_CHARS:,} limit")
        return cls(text, at)


def clean(text: str) -> str:
    """The text to store: line ends made ``\\n``, trailing blanks cut; raise NoteTooLong."""
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    cleaned = cleaned.strip("\n")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise NoteTooLong(len(cleaned))
    return cleaned
