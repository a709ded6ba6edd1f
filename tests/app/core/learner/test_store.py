"""The learner-data store's rules and ``MemoryStore`` under CPython; the same scenarios
run against IndexedDB in Chromium (tests/app/bridge/test_store.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from app.core.learner import store as schema
from app.core.learner.store import MemoryStore, StoreError
from tests.app import store_scenarios

# The page's store is given the same room (tests/app/bridge/test_store.py).
QUOTA_BYTES = 5_000_000


def test_round_trip() -> None:
    seen = asyncio.run(store_scenarios.round_trip(MemoryStore()))
    assert seen["get"][0]["question"] == "Что такое цикл?"
    assert seen["missing"] is None
    assert [key for key, _ in seen["items"]] == ["git.branches", "python.loops"]
    assert seen["after"] == [[("git.branches", [{"question": "q2"}]), ("python.loops", seen["get"])], []]
    codes = [entry[0] for entry in seen["errors"]]
    assert codes == ["bad-value"] * 5
    assert "unknown collection 'diary'; should be one of: conversations" in seen["errors"][0][1]
    assert "non-finite" in seen["errors"][2][1] and "control character" in seen["errors"][3][1]
    assert seen["untouched"] == []


def test_a_write_past_the_room_is_refused_whole_and_loses_nothing() -> None:
    seen = asyncio.run(store_scenarios.all_or_nothing(MemoryStore(quota_bytes=QUOTA_BYTES)))
    assert seen == {
        "refused": "quota",
        "notes": [("kept", "a note that must survive")],
        "roadmaps": ["first"],
        "after": ["after", "kept"],
    }


def test_values_carry_the_schema_version_and_older_ones_are_migrated(monkeypatch: pytest.MonkeyPatch) -> None:
    old = {("progress", "python.loops"): json.dumps({"v": 1, "value": "done"})}
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {2: {"progress": lambda status: {"status": status}}})
    store = MemoryStore(texts=old)
    assert asyncio.run(store.get("progress", "python.loops")) == {"status": "done"}
    assert json.loads(store.texts[("progress", "python.loops")]) == {"v": 2, "value": {"status": "done"}}


def test_data_of_a_newer_app_is_refused_not_misread() -> None:
    store = MemoryStore(texts={("notes", "n"): json.dumps({"v": schema.SCHEMA_VERSION + 1, "value": {}})})
    with pytest.raises(StoreError, match="saved by a newer version of Tropa") as refused:
        asyncio.run(store.get("notes", "n"))
    assert refused.value.code == "newer"
    assert ("notes", "n") in store.texts  # left as it was


def test_an_unreadable_record_is_reported_and_left_alone() -> None:
    store = MemoryStore(texts={("notes", "n"): "{not json"})
    with pytest.raises(StoreError, match="unreadable") as broken:
        asyncio.run(store.get("notes", "n"))
    assert broken.value.code == "unavailable" and store.texts[("notes", "n")] == "{not json"


def test_oversized_values_are_refused_before_any_write() -> None:
    store = MemoryStore()
    with pytest.raises(StoreError, match="the limit is") as big:
        asyncio.run(store.put("notes", "n", "x" * (schema.MAX_VALUE_BYTES + 1)))
    assert big.value.code == "bad-value" and store.texts == {}


def observed(seen: dict[str, Any]) -> Any:
    """Tuples as lists, as the page's JSON gives them back."""
    return json.loads(json.dumps(seen))
