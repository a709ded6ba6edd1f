"""The learner's notes kept on the device, one per topic (collection ``notes``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.core.learner.notes import Note, clean
from app.core.learner.store import StoreError
from app.ports import Store

COLLECTION = "notes"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class NoteBook:
    """Notes as the UI sees them. ``notice`` says what the device's storage refused;
    a note that could not be saved stays in ``notes`` for this visit, and the editor
    keeps its text."""

    def __init__(self, store: Store, now_ms: Callable[[], int] = _now_ms) -> None:
        self.store = store
        self.now_ms = now_ms
        self.notes: dict[str, Note] = {}
        self.notice = ""

    async def load(self) -> int:
        """Read every saved note (again); an unreadable one is skipped with a notice."""
        try:
            saved = await self.store.items(COLLECTION)
        except StoreError as error:
            self.notice = str(error)
            return 0
        self.notes = {}
        for topic_id, record in saved:
            try:
                self.notes[topic_id] = Note.from_record(record)
            except ValueError as error:
                self.notice = f"the saved note on {topic_id} could not be read: {error}"
        return len(self.notes)

    def get(self, topic_id: str) -> Note | None:
        return self.notes.get(topic_id)

    async def save(self, topic_id: str, text: str) -> bool:
        """Keep ``text`` as the topic's note (empty text deletes it); True when stored.
        Raises NoteTooLong (nothing is changed) for a note over the limit."""
        cleaned = clean(text)
        if not cleaned:
            return await self.delete(topic_id)
        note = Note(cleaned, self.now_ms())
        self.notes[topic_id] = note
        try:
            await self.store.put(COLLECTION, topic_id, note.to_record())
        except StoreError as error:
            self.notice = f"This note could not be kept on this device: {error}"
            return False
        self.notice = ""
        return True

    async def delete(self, topic_id: str) -> bool:
        self.notes.pop(topic_id, None)
        try:
            await self.store.delete(COLLECTION, topic_id)
        except StoreError as error:
            self.notice = str(error)
            return False
        self.notice = ""
        return True
