"""``Store`` on the browser: the learner's data in IndexedDB (database ``tropa``).

One object store per collection of ``app.core.learner.store``, created when the
database is opened at a new schema version; values are the JSON texts that module
encodes (with their schema version), keyed by text. Every write is one transaction, so
a failed write (a full disk: ``QuotaExceededError``) leaves everything stored before as
it was, and ``put_many`` is all or nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from js import indexedDB  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, is_none, to_js  # type: ignore[import-not-found]

from app.core.learner.store import (
    COLLECTIONS,
    SCHEMA_VERSION,
    StoreError,
    check_key,
    decode,
    encode,
    quota_message,
)

DATABASE = "tropa"


def _error_of(*targets: Any) -> StoreError:
    """The StoreError for a failed IndexedDB request or transaction: the first of
    ``targets`` (the event's target, then the object waited on) that holds an error."""
    errors = [getattr(t, "error", None) for t in targets]
    error = next((e for e in errors if e is not None and not is_none(e)), None)
    name = str(getattr(error, "name", "")) if error is not None else ""
    message = str(getattr(error, "message", "")) if name else "unknown error"
    if name == "QuotaExceededError":
        return StoreError(quota_message(), "quota")
    if name == "VersionError":
        return StoreError("the saved data was written by a newer version of Tropa: reload to update the app",
                          "newer")
    return StoreError(f"the browser's storage failed ({name or 'error'}: {message})", "unavailable")


def _settled(target: Any, done: tuple[str, ...], failed: tuple[str, ...],
             on: dict[str, Callable[[Any], None]] | None = None) -> asyncio.Future[Any]:
    """A future of one of the ``done`` events of an IDBRequest/IDBTransaction (→ its
    result) or one of the ``failed`` ones (→ StoreError); ``on`` adds other handlers.
    The handlers are attached now, before anything is awaited: an event that fires
    while the caller awaits something else is not missed."""
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    proxies: list[Any] = []

    def finish(event: Any) -> None:
        if not future.done():
            future.set_result(getattr(target, "result", None))

    def fail(event: Any) -> None:
        if hasattr(event, "preventDefault"):
            event.preventDefault()  # handled here: keep it out of the console as uncaught
        if not future.done():
            future.set_exception(_error_of(getattr(event, "target", None), target))

    handlers = {**{name: finish for name in done}, **{name: fail for name in failed}, **(on or {})}
    for name, handler in handlers.items():
        proxy = create_proxy(handler)
        proxies.append(proxy)
        setattr(target, "on" + name, proxy)

    def release(_: asyncio.Future[Any]) -> None:
        for name in handlers:
            setattr(target, "on" + name, None)
        for proxy in proxies:
            proxy.destroy()

    future.add_done_callback(release)
    return future


class IndexedDBStore:
    """The learner's data in this browser; open with ``await IndexedDBStore.open()``."""

    def __init__(self, db: Any) -> None:
        self._db = db

    @classmethod
    async def open(cls, name: str = DATABASE) -> IndexedDBStore:
        """Open (creating or upgrading) the database; raise StoreError when the browser
        refuses storage (some private modes) or holds a newer schema."""
        try:
            request = indexedDB.open(name, SCHEMA_VERSION)
        except Exception as error:  # no IndexedDB at all, or a SecurityError
            raise StoreError(f"this browser refuses to store data here: {error}", "unavailable") from None

        def upgrade(event: Any) -> None:
            db = request.result
            for collection in COLLECTIONS:
                if not db.objectStoreNames.contains(collection):
                    db.createObjectStore(collection)

        def blocked(event: Any) -> None:
            pass  # another tab holds an older version open; it closes on versionchange

        db = await _settled(request, ("success",), ("error",), {"upgradeneeded": upgrade, "blocked": blocked})
        store = cls(db)
        # A tab still open on this old version lets a newer one upgrade.
        db.onversionchange = create_proxy(lambda event: db.close())
        return store

    def _transaction(self, collections: list[str], mode: str) -> Any:
        try:
            return self._db.transaction(to_js(collections), mode)
        except Exception as error:  # closed by a newer tab, or the browser dropped it
            raise StoreError(f"the browser's storage is not available now: {error}", "unavailable") from None

    async def get(self, collection: str, key: str) -> Any:
        check_key(collection, key)
        transaction = self._transaction([collection], "readonly")
        text = await _settled(transaction.objectStore(collection).get(key), ("success",), ("error",))
        if text is None or is_none(text):
            return None
        value, migrated = decode(collection, key, str(text))
        if migrated:
            await self.put(collection, key, value)
        return value

    async def items(self, collection: str) -> list[tuple[str, Any]]:
        """Every (key, value) of ``collection``, in key order."""
        check_key(collection, "-")
        transaction = self._transaction([collection], "readonly")
        objects = transaction.objectStore(collection)
        keys_done = _settled(objects.getAllKeys(), ("success",), ("error",))
        texts_done = _settled(objects.getAll(), ("success",), ("error",))
        keys, texts = await keys_done, await texts_done
        pairs = []
        for key, text in zip(list(keys), list(texts), strict=True):
            value, _ = decode(collection, str(key), str(text))
            pairs.append((str(key), value))
        return pairs

    async def put(self, collection: str, key: str, value: Any) -> None:
        await self.put_many([(collection, key, value)])

    async def put_many(self, writes: list[tuple[str, str, Any]]) -> None:
        """Write every (collection, key, value) in one transaction: all or nothing."""
        encoded = [(c, k, encode(c, k, v)) for c, k, v in writes]
        if not encoded:
            return
        transaction = self._transaction(sorted({c for c, _, _ in encoded}), "readwrite")
        try:
            for collection, key, text in encoded:
                transaction.objectStore(collection).put(text, key)
        except Exception as error:
            transaction.abort()
            raise StoreError(f"the browser refused the write: {error}", "unavailable") from None
        await _settled(transaction, ("complete",), ("error", "abort"))

    async def delete(self, collection: str, key: str) -> None:
        check_key(collection, key)
        transaction = self._transaction([collection], "readwrite")
        transaction.objectStore(collection).delete(key)
        await _settled(transaction, ("complete",), ("error", "abort"))
