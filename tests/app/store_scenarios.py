"""Scenarios of the ``Store`` port, run as they are against ``MemoryStore`` under
CPython (tests/app/core/learner/test_store.py) and against the IndexedDB store in
Chromium (tests/app/bridge/test_store.py): both must observe the same things.

Each scenario takes a store and returns what it saw as JSON-ready data. The source of
this module is sent into the page, so it imports only what the page has.
"""

from __future__ import annotations

import hashlib
from typing import Any

from app.core.learner.store import StoreError


async def round_trip(store: Any) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    conversation = [{"question": "Что такое цикл?", "answer": "A loop repeats [1].", "cited": [3]}]
    await store.put("conversations", "python.loops", conversation)
    await store.put("conversations", "git.branches", [])
    await store.put("progress", "python.loops", {"status": "done", "at": 1733100000000})
    seen["get"] = await store.get("conversations", "python.loops")
    seen["missing"] = await store.get("conversations", "nope")
    seen["items"] = await store.items("conversations")
    await store.put("conversations", "git.branches", [{"question": "q2"}])
    await store.delete("progress", "python.loops")
    await store.delete("progress", "never-there")
    seen["after"] = [await store.items("conversations"), await store.items("progress")]
    seen["errors"] = []
    for call in (
        store.put("diary", "x", 1),
        store.put("notes", "", "text"),
        store.put("notes", "n", {"bad": float("nan")}),
        store.put("notes", "n", "nul\x00"),
        store.get("diary", "x"),
    ):
        try:
            await call
            seen["errors"].append("accepted")
        except StoreError as error:
            seen["errors"].append([error.code, str(error)])
    seen["untouched"] = await store.items("notes")
    return seen


def incompressible(size: int) -> str:
    """``size`` characters that no storage engine can compress much (Chromium compresses
    large IndexedDB values, so a run of one letter would hardly use any room)."""
    block = hashlib.sha256(b"tropa").hexdigest()
    parts = []
    while len(parts) * 64 < size:
        block = hashlib.sha256(block.encode()).hexdigest()
        parts.append(block)
    return "".join(parts)[:size]


async def all_or_nothing(store: Any) -> dict[str, Any]:
    """With about 5 MB of room: what fits is kept, a write past the room is refused
    whole, and nothing written before it is lost."""
    seen: dict[str, Any] = {}
    await store.put("notes", "kept", "a note that must survive")
    big = incompressible(1_900_000)
    await store.put("roadmaps", "first", big)
    try:
        await store.put_many([("roadmaps", "second", big), ("roadmaps", "third", big),
                              ("notes", "half", "written only with the rest")])
        seen["refused"] = None
    except StoreError as error:
        seen["refused"] = error.code
    seen["notes"] = await store.items("notes")
    seen["roadmaps"] = [key for key, _ in await store.items("roadmaps")]
    await store.put("notes", "after", "a small write still works")
    seen["after"] = [key for key, _ in await store.items("notes")]
    return seen
