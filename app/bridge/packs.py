"""Course packs on the browser: fetching a pack's files, and keeping packs in IndexedDB.

``BrowserPackFetcher`` GETs from the pack's own host only: no cookies, a redirect is an
error (a request never ends up somewhere the learner did not name), revalidated with
the host (an update must see new files), cut off after ``limit`` bytes.
``IndexedDBPackStorage`` keeps one JSON text per pack in the database ``tropa-packs``,
apart from the learner's data (``app.bridge.store``): a pack is course material, not
something to back up or sync, and removing one deletes one record.
"""

from __future__ import annotations

import json
from typing import Any

from js import AbortSignal, fetch, indexedDB  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, to_js  # type: ignore[import-not-found]

from app.bridge.store import _settled
from app.core.learner.store import StoreError
from app.core.library.packs import PackError

DATABASE = "tropa-packs"
VERSION = 1
PACKS = "packs"


class BrowserPackFetcher:
    def __init__(self, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s

    async def get(self, url: str, limit: int) -> bytes:
        options = to_js({"credentials": "omit", "redirect": "error", "mode": "cors",
                         "cache": "no-cache", "signal": AbortSignal.timeout(int(self.timeout_s * 1000))})
        try:
            response = await fetch(url, options)
        except Exception as error:  # offline, refused by CORS or the page's policy, redirected
            raise PackError(f"GET {url} failed: {error}") from None
        if not response.ok:
            raise PackError(f"GET {url} failed: HTTP {response.status} {response.statusText}".strip())
        declared = response.headers.get("content-length")
        if declared and str(declared).isdigit() and int(str(declared)) > limit:
            raise PackError(f"{url} is {declared} bytes; a pack file may have at most {limit}")
        data: bytes = (await response.arrayBuffer()).to_bytes()
        if len(data) > limit:
            raise PackError(f"{url} is {len(data)} bytes; a pack file may have at most {limit}")
        return data


class IndexedDBPackStorage:
    """Open with ``await IndexedDBPackStorage.open()``; raises StoreError like the
    learner's store when the browser refuses storage."""

    def __init__(self, db: Any) -> None:
        self._db = db

    @classmethod
    async def open(cls, name: str = DATABASE) -> IndexedDBPackStorage:
        try:
            request = indexedDB.open(name, VERSION)
        except Exception as error:
            raise StoreError(f"this browser refuses to store data here: {error}", "unavailable") from None

        def upgrade(event: Any) -> None:
            db = request.result
            if not db.objectStoreNames.contains(PACKS):
                db.createObjectStore(PACKS)

        db = await _settled(request, ("success",), ("error",), {"upgradeneeded": upgrade})
        db.onversionchange = create_proxy(lambda event: db.close())
        return cls(db)

    def _objects(self, mode: str) -> tuple[Any, Any]:
        try:
            transaction = self._db.transaction(to_js([PACKS]), mode)
        except Exception as error:
            raise StoreError(f"the browser's storage is not available now: {error}", "unavailable") from None
        return transaction, transaction.objectStore(PACKS)

    async def all(self) -> list[dict[str, Any]]:
        _, objects = self._objects("readonly")
        texts = await _settled(objects.getAll(), ("success",), ("error",))
        found = []
        for text in list(texts):
            try:
                found.append(json.loads(str(text)))
            except json.JSONDecodeError:
                continue  # a damaged record is left out; removing the pack deletes it
        return found

    async def put(self, pack_id: str, record: dict[str, Any]) -> None:
        transaction, objects = self._objects("readwrite")
        objects.put(json.dumps(record, ensure_ascii=False), pack_id)
        await _settled(transaction, ("complete",), ("error", "abort"))

    async def delete(self, pack_id: str) -> None:
        transaction, objects = self._objects("readwrite")
        objects.delete(pack_id)
        await _settled(transaction, ("complete",), ("error", "abort"))

    async def clear(self) -> None:
        transaction, objects = self._objects("readwrite")
        objects.clear()
        await _settled(transaction, ("complete",), ("error", "abort"))
