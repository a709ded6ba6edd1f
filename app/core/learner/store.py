"""What the learner makes, kept on the device: the schema, its rules and migrations.

Everything lives in named collections of JSON values by text key (``conversations``
by topic, later progress, cards, quiz results, notes, roadmaps). The browser keeps them
in IndexedDB (``app.bridge.store``); ``MemoryStore`` here has the same semantics, for
tests and for a browser that refuses IndexedDB (then the data lasts for the visit).

Every stored value is wrapped as ``{"v": schema version, "value": ...}``. When the
schema moves on, ``MIGRATIONS[n]`` turns a version ``n - 1`` value of a collection into
a version ``n`` one; a store upgrades every older value when it opens, so the app
never reads an old shape.

>>> store = MemoryStore()
>>> await store.put("conversations", "python.loops", [{"q": "…"}])   # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, get_args

from app.core.errors import TropaError
from contracts.values import check_json, json_size

SCHEMA_VERSION = 1

Collection = Literal["conversations", "progress", "cards", "quiz_results", "notes", "roadmaps", "meta"]
COLLECTIONS: tuple[str, ...] = get_args(Collection)

# One value's limit: a conversation of a few hundred exchanges fits; a runaway loop does not.
MAX_VALUE_BYTES = 2 * 1024 * 1024
MAX_KEY_LENGTH = 256

# version n → {collection: function turning a version n-1 value into a version n one}.
Migration = Callable[[Any], Any]
MIGRATIONS: dict[int, Mapping[str, Migration]] = {}

StoreErrorCode = Literal["quota", "unavailable", "bad-value", "newer"]


class StoreError(TropaError):
    """A read or write on the device failed; nothing stored before was lost. ``code``:
    quota (no space), unavailable (storage refused or broken), bad-value (the value
    cannot be stored), newer (the data was written by a newer version of the app)."""

    def __init__(self, message: str, code: StoreErrorCode) -> None:
        super().__init__(message)
        self.code = code


def check_key(collection: str, key: str) -> None:
    """Raise StoreError (bad-value) unless ``collection`` is known and ``key`` usable."""
    if collection not in COLLECTIONS:
        raise StoreError(f"unknown collection {collection!r}; should be one of: {', '.join(COLLECTIONS)}",
                         "bad-value")
    if not isinstance(key, str) or not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise StoreError(
            f"a {collection} key must be text of 1 to {MAX_KEY_LENGTH} characters, got {key!r:.40}",
            "bad-value")


def encode(collection: str, key: str, value: Any) -> str:
    """The stored text of ``value``: checked, wrapped with the schema version, as JSON."""
    check_key(collection, key)
    try:
        check_json(value, MAX_VALUE_BYTES, f"{collection} {key!r}")
    except ValueError as error:
        raise StoreError(str(error), "bad-value") from None
    return json.dumps({"v": SCHEMA_VERSION, "value": value}, ensure_ascii=False, separators=(",", ":"))


def decode(collection: str, key: str, text: str) -> tuple[Any, bool]:
    """The value stored as ``text`` at this schema version, and whether it had to be
    migrated (then it should be written back)."""
    try:
        record = json.loads(text)
        version, value = int(record["v"]), record["value"]
    except (ValueError, TypeError, KeyError) as error:
        raise StoreError(f"the stored {collection} {key!r} is unreadable ({error}); it was left as is",
                         "unavailable") from None
    if version > SCHEMA_VERSION:
        raise StoreError(f"{collection} {key!r} was saved by a newer version of Tropa (data version "
                         f"{version}, this app reads up to {SCHEMA_VERSION}): reload to update the app",
                         "newer")
    migrated = version < SCHEMA_VERSION
    while version < SCHEMA_VERSION:
        version += 1
        step = MIGRATIONS.get(version, {}).get(collection)
        if step is not None:
            value = step(value)
    return value, migrated


class MemoryStore:
    """The ``Store`` port in memory, with the browser store's rules: the same checks,
    the same errors, writes of ``put_many`` all or nothing, and a ``quota_bytes`` limit
    that refuses a write as a full disk does."""

    def __init__(self, quota_bytes: int | None = None,
                 texts: Mapping[tuple[str, str], str] | None = None) -> None:
        self.quota_bytes = quota_bytes
        # (collection, key) → stored text, as IndexedDB would hold it.
        self.texts: dict[tuple[str, str], str] = dict(texts or {})

    def _used(self, replacing: Iterable[tuple[str, str]] = ()) -> int:
        skip = set(replacing)
        return sum(json_size(text) for slot, text in self.texts.items() if slot not in skip)

    async def get(self, collection: str, key: str) -> Any:
        check_key(collection, key)
        text = self.texts.get((collection, key))
        if text is None:
            return None
        value, migrated = decode(collection, key, text)
        if migrated:
            await self.put(collection, key, value)
        return value

    async def items(self, collection: str) -> list[tuple[str, Any]]:
        keys = sorted(key for c, key in self.texts if c == collection)
        return [(key, await self.get(collection, key)) for key in keys]

    async def put(self, collection: str, key: str, value: Any) -> None:
        await self.put_many([(collection, key, value)])

    async def put_many(self, writes: list[tuple[str, str, Any]]) -> None:
        encoded = {(c, k): encode(c, k, v) for c, k, v in writes}
        if self.quota_bytes is not None:
            needed = self._used(encoded) + sum(json_size(t) for t in encoded.values())
            if needed > self.quota_bytes:
                raise StoreError(quota_message(needed, self.quota_bytes), "quota")
        self.texts.update(encoded)

    async def delete(self, collection: str, key: str) -> None:
        check_key(collection, key)
        self.texts.pop((collection, key), None)


def quota_message(needed: int | None = None, quota: int | None = None) -> str:
    """What the learner reads when the device is out of space for a write."""
    figures = f" (needs {needed:,} bytes, the limit is {quota:,})" if needed and quota else ""
    return ("Not enough space on this device to save this" + figures + ". Everything saved before is "
            "kept. Free some space in the browser (other sites' data, downloads) and try again.")
