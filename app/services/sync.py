"""Progress sync, client side: an outbox of local edits, push with retry and backoff,
pull since a cursor, and a local replica merged by the same rule as the server.

Pure Python behind one small ``Transport`` Protocol, so it runs on Pyodide (a fetch
transport in ``app.bridge``) and under CPython (tests inject an httpx transport against
the real server). Nothing here imports an HTTP library.

Typical use::

    sync = SyncClient(transport, device_id="laptop-3f2a", store=store)
    sync.record("topic_progress", "python.loops", {"status": "done"})   # works offline
    await sync.sync()                                                   # push, then pull

Wire rules and merge rule: ``contracts.sync`` (the server checks the same rules). An
edit that breaks them is refused by ``record`` before it enters the outbox; an outbox
entry the server still refuses (a rule tightened by a server upgrade) is set aside in
``rejected`` with the server's reason, and the entries behind it go on.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from app.core.errors import TropaError
from app.ports import Reply, Request, Transport, TransportError
from contracts import sync as rules
from contracts.sync import HybridClock, Replica, SyncRuleError, Timestamp, Write

PUSH_PATH = "/api/sync/push"
PULL_PATH = "/api/sync/changes"
DEVICES_PATH = "/api/sync/devices"
SESSION_PATH = "/api/session"
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class SyncStore(Protocol):
    """Where the sync state survives a reload (IndexedDB in the browser)."""

    def load(self) -> dict[str, Any] | None: ...

    def save(self, state: dict[str, Any]) -> None: ...


class SyncError(TropaError):
    """Sync stopped; the outbox is kept and nothing is lost."""


class SyncRejected(SyncError):
    """The server refused the request (not logged in, plan limit, invalid change)."""

    def __init__(self, status: int, detail: str, body: Any = None) -> None:
        super().__init__(f"Sync refused (HTTP {status}): {detail}")
        self.status = status
        self.detail = detail
        self.body = body


class SyncUnavailable(SyncError):
    """The server could not be reached after every retry."""


class MemorySyncStore:
    """A SyncStore in memory (tests, and a page without IndexedDB)."""

    def __init__(self) -> None:
        self.state: dict[str, Any] | None = None

    def load(self) -> dict[str, Any] | None:
        return None if self.state is None else _deep_copy(self.state)

    def save(self, state: dict[str, Any]) -> None:
        self.state = _deep_copy(state)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter; a server's Retry-After takes precedence."""

    base_s: float = 0.5
    factor: float = 2.0
    max_s: float = 30.0
    attempts: int = 6
    jitter: Callable[[], float] = random.random

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after is not None and retry_after.isdigit():
            return min(float(retry_after), self.max_s)
        ceiling = min(self.max_s, self.base_s * self.factor**attempt)
        return ceiling * (0.5 + 0.5 * self.jitter())


@dataclass
class PushReport:
    applied: int = 0
    duplicates: int = 0


class SyncClient:
    """One device's sync state: clock, outbox, replica, pull cursor."""

    def __init__(
        self,
        transport: Transport,
        device_id: str,
        store: SyncStore,
        *,
        wall_ms: Callable[[], int] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backoff: Backoff | None = None,
        batch_size: int = rules.MAX_BATCH,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.transport = transport
        self.device_id = device_id
        self.store = store
        self.sleep = sleep
        self.backoff = backoff or Backoff()
        self.batch_size = batch_size
        self.new_id = new_id
        self._csrf: str | None = None
        self._registered = False  # registering again is harmless: once per client
        saved = store.load() or {}
        last = Timestamp.parse(saved["clock"]) if saved.get("clock") else Timestamp(0, 0)
        self.clock = HybridClock(wall_ms, last) if wall_ms else HybridClock(last=last)
        self.outbox: list[dict[str, Any]] = list(saved.get("outbox", []))
        # Entries the server refused, each {"change": ..., "status": int, "reason": str}.
        self.rejected: list[dict[str, Any]] = list(saved.get("rejected", []))
        self.cursor: int = int(saved.get("cursor", 0))
        self.replica = Replica(
            {(k[0], k[1], k[2]): Write(*w) for k, w in saved.get("replica", [])}
        )
        # (kind, entity_id) whose replica values a pull changed, until the caller takes them.
        self.changed: set[tuple[str, str]] = set()

    # -- local edits -------------------------------------------------------------------

    def record(self, kind: str, entity_id: str, fields: Mapping[str, Any]) -> str:
        """Apply an edit locally and queue it for the server; returns the change id.

        Raises SyncError naming the broken rule when the server would refuse the edit;
        nothing is applied or queued then."""
        if kind not in rules.KINDS:
            raise SyncError(f"Unknown kind {kind!r}. Should be one of: {', '.join(sorted(rules.KINDS))}")
        if not fields:
            raise SyncError("An edit needs at least one field")
        stamp = self.clock.now().encode()
        change_id = self.new_id()
        change = {"id": change_id, "kind": kind, "entity_id": entity_id, "hlc": stamp, "fields": dict(fields)}
        try:
            rules.check_change(change)
        except SyncRuleError as error:
            raise SyncError(f"Edit of {kind} {entity_id!r:.80} refused: {error}") from None
        for name, value in fields.items():
            self.replica.apply((kind, entity_id, name), Write(value, stamp, self.device_id))
        self.outbox.append(change)
        self._save()
        return change_id

    def value(self, kind: str, entity_id: str, name: str, default: Any = None) -> Any:
        return self.replica.value((kind, entity_id, name), default)

    @property
    def pending(self) -> int:
        return len(self.outbox)

    # -- talking to the server ---------------------------------------------------------

    async def sync(self) -> tuple[PushReport, int]:
        """Push the outbox, then pull; returns the push report and fields pulled."""
        report = await self.push()
        return report, await self.pull()

    async def push(self) -> PushReport:
        """Send the outbox in batches; each acknowledged batch leaves the outbox. A change
        the server refuses as invalid (422) is set aside with its reason."""
        report = PushReport()
        limit = self.batch_size
        if self.outbox:
            await self._register()
        while self.outbox:
            batch = rules.batches(self.outbox[:limit])[0]
            try:
                body = await self._call(
                    "POST", PUSH_PATH, body={"device_id": self.device_id, "changes": batch})
            except SyncRejected as error:
                if error.status != 422:
                    raise
                if not self._set_aside(batch, error):
                    limit = max(1, len(batch) // 2)  # unnamed: halve until it is found
                continue
            acknowledged = set(body["applied"]) | set(body["duplicates"])
            report.applied += len(body["applied"])
            report.duplicates += len(body["duplicates"])
            self.outbox = [c for c in self.outbox if c["id"] not in acknowledged]
            self._save()
            if not acknowledged & {c["id"] for c in batch}:
                raise SyncError("The server acknowledged none of the batch it was sent")
        return report

    def _set_aside(self, batch: list[dict[str, Any]], error: SyncRejected) -> bool:
        """Move the changes of ``batch`` that the server named as invalid out of the
        outbox (a batch of one is named by its refusal); False when none was named."""
        named = _invalid_indexes(error.body, len(batch))
        if not named and len(batch) == 1:
            named = {0}
        if not named:
            return False
        bad_ids = {batch[i]["id"] for i in named}
        for i in sorted(named):
            self.rejected.append({"change": batch[i], "status": error.status, "reason": error.detail})
        self.outbox = [c for c in self.outbox if c["id"] not in bad_ids]
        self._save()
        return True

    async def pull(self) -> int:
        """Fetch every field changed since the cursor and merge it into the replica."""
        merged = 0
        await self._register()
        while True:
            params = {"device_id": self.device_id, "since": str(self.cursor)}
            page = await self._call("GET", PULL_PATH, params=params)
            for c in page["changes"]:
                write = Write(c["value"], c["hlc"], c["device_id"])
                self.clock.receive(Timestamp.parse(write.hlc))
                if self.replica.apply((c["kind"], c["entity_id"], c["field"]), write):
                    merged += 1
                    self.changed.add((c["kind"], c["entity_id"]))
            self.cursor = int(page["cursor"])
            self._save()
            if not page["has_more"]:
                return merged

    async def _register(self) -> None:
        """Register this device for sync, once: the server syncs only registered
        devices (raises SyncRejected with status 402 when the plan has no slot left)."""
        if not self._registered:
            await self._call("POST", DEVICES_PATH, body={"device_id": self.device_id})
            self._registered = True

    async def _call(
        self, method: str, path: str, *, body: Any = None, params: Mapping[str, str] | None = None
    ) -> Any:
        csrf_refreshed = False
        for attempt in range(self.backoff.attempts):
            headers = {"x-csrf-token": await self._csrf_token()} if method != "GET" else {}
            request = Request(method, path, params or {}, body, headers)
            retry_after: str | None = None
            try:
                reply = await self.transport.send(request)
            except TransportError:
                reply = None
            if reply is not None:
                if 200 <= reply.status < 300:
                    return reply.body
                if reply.status == 403 and method != "GET" and not csrf_refreshed:
                    self._csrf, csrf_refreshed = None, True  # the session was renewed
                    continue
                if reply.status not in RETRYABLE_STATUSES:
                    raise SyncRejected(reply.status, _detail(reply), reply.body)
                retry_after = reply.headers.get("retry-after")
            if attempt + 1 < self.backoff.attempts:
                await self.sleep(self.backoff.delay(attempt, retry_after))
        raise SyncUnavailable(
            f"{method} {path}: no answer after {self.backoff.attempts} tries; "
            f"{len(self.outbox)} edits wait in the outbox"
        )

    async def _csrf_token(self) -> str:
        if self._csrf is None:
            session = await self._call("GET", SESSION_PATH)
            if not session.get("authenticated"):
                raise SyncRejected(401, "Not logged in")
            self._csrf = str(session["csrf_token"])
        return self._csrf

    def _save(self) -> None:
        self.store.save(
            {
                "clock": self.clock.last.encode(),
                "cursor": self.cursor,
                "outbox": self.outbox,
                "rejected": self.rejected,
                "replica": [[list(k), [w.value, w.hlc, w.device_id]] for k, w in self.replica.writes.items()],
            }
        )


def _detail(reply: Reply) -> str:
    """The server's reason: its ``detail`` text, or the first validation message."""
    if isinstance(reply.body, dict):
        detail = reply.body.get("detail")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            first = detail[0]
            where = ".".join(str(part) for part in first.get("loc", []))
            return f"{where}: {first.get('msg', '')}".strip(": ")
    return str(reply.body)[:200]


def _invalid_indexes(body: Any, size: int) -> set[int]:
    """Indexes into the pushed ``changes`` that a 422 reply's validation errors name
    (FastAPI's ``loc`` is ``["body", "changes", index, ...]``)."""
    found: set[int] = set()
    detail = body.get("detail") if isinstance(body, dict) else None
    for item in detail if isinstance(detail, list) else []:
        loc = item.get("loc") if isinstance(item, dict) else None
        if isinstance(loc, list) and len(loc) > 2 and loc[:2] == ["body", "changes"]:
            index = loc[2]
            if isinstance(index, int) and 0 <= index < size:
                found.add(index)
    return found


def _deep_copy(state: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(state))
    return copied
