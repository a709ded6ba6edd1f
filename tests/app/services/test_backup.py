"""Export and import through the device store: what was exported comes back in a fresh
store, counts leave out this device's own records, and a refused import writes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest

from app.core.learner.backup import BackupError
from app.core.learner.store import COLLECTIONS, MemoryStore, StoreError
from app.services.backup import Backup

NOON_MS = 1_796_212_800_000  # 2026-12-02 12:00 UTC


def filled() -> MemoryStore:
    store = MemoryStore()
    asyncio.run(store.put_many([
        ("progress", "python.loops", {"status": "done", "at": NOON_MS}),
        ("notes", "python.loops", {"text": "for and while", "at": NOON_MS}),
        ("meta", "study_days", ["2026-12-02"]),
        ("meta", "sync", {"user_id": "u1", "client": {}}),
        ("meta", "sync_device", "d-1"),
    ]))
    return store


def test_an_export_restores_into_a_fresh_store() -> None:
    name, text = asyncio.run(Backup(filled(), now_ms=lambda: NOON_MS).export())
    assert name == "tropa-data-2026-12-02.json"
    assert json.loads(text)["exported_at"] == "2026-12-02T12:00:00Z"
    fresh = MemoryStore()
    assert asyncio.run(Backup(fresh).restore(text)) == 3
    assert asyncio.run(fresh.get("notes", "python.loops")) == {"text": "for and while", "at": NOON_MS}
    assert asyncio.run(fresh.get("progress", "python.loops")) == {"status": "done", "at": NOON_MS}
    assert asyncio.run(fresh.get("meta", "sync_device")) is None  # this device's alone


def test_counts_say_what_an_export_holds() -> None:
    counts = asyncio.run(Backup(filled()).counts())
    assert list(counts) == list(COLLECTIONS)
    assert counts == {**dict.fromkeys(COLLECTIONS, 0), "progress": 1, "notes": 1, "meta": 1}


def test_an_import_adds_to_the_device_and_replaces_what_the_file_also_holds() -> None:
    _, text = asyncio.run(Backup(filled()).export())
    store = MemoryStore()
    asyncio.run(store.put_many([("notes", "python.loops", {"text": "older", "at": 1}),
                                ("notes", "sql.joins", {"text": "on", "at": 1})]))
    asyncio.run(Backup(store).restore(text))
    assert asyncio.run(store.get("notes", "python.loops"))["text"] == "for and while"
    assert asyncio.run(store.get("notes", "sql.joins")) == {"text": "on", "at": 1}


def test_a_refused_file_writes_nothing() -> None:
    _, text = asyncio.run(Backup(filled()).export())
    document = json.loads(text)
    document["collections"]["notes"]["sql.joins"] = {"text": None, "at": 1}
    store = MemoryStore()
    with pytest.raises(BackupError, match=r"1 entry is malformed: notes 'sql\.joins'"):
        asyncio.run(Backup(store).restore(json.dumps(document)))
    assert store.texts == {}


def test_a_file_the_device_has_no_room_for_writes_nothing() -> None:
    _, text = asyncio.run(Backup(filled()).export())
    store = MemoryStore(quota_bytes=50)
    with pytest.raises(StoreError) as raised:
        asyncio.run(Backup(store).restore(text))
    assert raised.value.code == "quota" and store.texts == {}
