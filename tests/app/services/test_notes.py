"""Notes on the device: kept across a reload, an empty save deletes, a note too long
changes nothing, and a full disk becomes a notice while the visit keeps the text."""

from __future__ import annotations

import asyncio

import pytest

from app.core.learner.notes import MAX_NOTE_CHARS, Note, NoteTooLong
from app.core.learner.store import MemoryStore, encode
from app.services.notes import NoteBook


def loaded(store: MemoryStore, now: int = 1_000) -> NoteBook:
    book = NoteBook(store, now_ms=lambda: now)
    asyncio.run(book.load())
    return book


def test_a_saved_note_is_there_after_a_reload_and_a_delete_removes_it() -> None:
    store = MemoryStore()
    book = loaded(store, now=5)
    assert asyncio.run(book.save("python.loops", "  for  \r\nwhile\n\n")) is True
    assert book.get("python.loops") == Note("  for\nwhile", 5)
    again = loaded(store)
    assert again.get("python.loops") == Note("  for\nwhile", 5) and again.notice == ""
    assert asyncio.run(again.delete("python.loops")) is True
    assert loaded(store).notes == {}


def test_saving_empty_text_deletes_the_note() -> None:
    store = MemoryStore()
    book = loaded(store)
    asyncio.run(book.save("python.loops", "x"))
    assert asyncio.run(book.save("python.loops", " \n ")) is True
    assert book.get("python.loops") is None and loaded(store).notes == {}


def test_a_note_too_long_changes_nothing() -> None:
    store = MemoryStore()
    book = loaded(store)
    asyncio.run(book.save("python.loops", "kept"))
    with pytest.raises(NoteTooLong):
        asyncio.run(book.save("python.loops", "x" * (MAX_NOTE_CHARS + 1)))
    assert book.get("python.loops") == Note("kept", 1_000)
    assert loaded(store).get("python.loops") == Note("kept", 1_000)


def test_a_full_disk_is_a_notice_and_the_note_stays_for_this_visit() -> None:
    store = MemoryStore(quota_bytes=200)
    book = loaded(store)
    assert asyncio.run(book.save("python.loops", "y" * 500)) is False
    assert "could not be kept on this device" in book.notice and "Not enough space" in book.notice
    assert book.get("python.loops") == Note("y" * 500, 1_000)
    assert loaded(store).notes == {}
    assert asyncio.run(book.save("python.loops", "short")) is True and book.notice == ""


def test_an_unreadable_saved_note_is_skipped_with_a_notice() -> None:
    store = MemoryStore(texts={("notes", "python.loops"): encode("notes", "python.loops", {"text": 1}),
                               ("notes", "sql.joins"): encode("notes", "sql.joins", {"text": "on", "at": 2})})
    book = loaded(store)
    assert list(book.notes) == ["sql.joins"]
    assert "the saved note on python.loops could not be read" in book.notice
