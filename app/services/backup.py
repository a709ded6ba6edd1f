"""Export and import of everything the learner keeps on the device, as one file
(format and checks in ``app.core.learner.backup``)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from app.core.learner.backup import DEVICE_KEYS, dump, parse
from app.core.learner.store import COLLECTIONS
from app.ports import Store


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Backup:
    def __init__(self, store: Store, now_ms: Callable[[], int] = _now_ms) -> None:
        self.store = store
        self.now_ms = now_ms

    async def counts(self) -> dict[str, int]:
        """How many entries of each collection an export holds (raises StoreError)."""
        return {name: sum((name, key) not in DEVICE_KEYS for key, _ in await self.store.items(name))
                for name in COLLECTIONS}

    async def export(self) -> tuple[str, str]:
        """(file name, text) of every collection (raises StoreError)."""
        moment = dt.datetime.fromtimestamp(self.now_ms() / 1000, dt.UTC)
        stored = {name: await self.store.items(name) for name in COLLECTIONS}
        text = dump(stored, moment.strftime("%Y-%m-%dT%H:%M:%SZ"))
        return f"tropa-data-{moment.date().isoformat()}.json", text

    async def restore(self, text: str) -> int:
        """Import a file's text; return how many entries were written. The whole file is
        checked first (BackupError) and written in one ``put_many`` (StoreError: then
        nothing was written)."""
        writes = parse(text)
        await self.store.put_many(writes)
        return len(writes)
