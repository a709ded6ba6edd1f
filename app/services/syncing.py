"""Sync wired to the device store: which collections sync, the outbox and cursor kept
on the device, when to sync, and the state the header shows.

**Generic over collections.** Every collection of ``SYNCED`` syncs the same way: a
stored value is one entity (the store key is its id) with one field, ``value``, holding
the whole value; a deletion is ``value: null``. The merge rule is the contract's (per
field, the greater ``(hlc, device id)`` wins), so for these collections the latest edit
of an entry wins as a whole. A collection joins sync by being listed here; its service
only writes through the store, which ``SyncedStore`` wraps.

**Meta entries** of ``SYNCED_META`` (the study goal) sync the same way as kind
``learner_meta``, one entity per meta key: the latest goal set on any device wins.

**Private collections** (tutor conversations, notes) sync only while the learner has
turned that on (``private()``); while it is off nothing of them is recorded or sent.

**The device store holds the sync state.** ``meta/sync`` keeps the account it belongs
to, the clock, the outbox, the cursor and the replica; an edit's outbox entry is written
in the same transaction as the edit, so a reload (offline or not) loses neither, and
pulled values are written with the new cursor in one transaction too.

**Attaching local data.** On every start (sign-in, page load) each local entry that
differs from what the account is known to hold is recorded as a new edit: what the
learner did before signing in (or while signed out) reaches the account on first sync.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from app.core.learner.store import StoreError
from app.ports import Store, Transport
from app.services.sync import Backoff, SyncClient, SyncError, SyncRejected, SyncUnavailable
from contracts import sync as rules

# store collection → sync kind
SYNCED: dict[str, str] = {
    "progress": "topic_progress",
    "cards": "review_card",
    "roadmaps": "roadmap",
    "notes": "note",
    "conversations": "conversation",
}
PRIVATE = frozenset({"notes", "conversations"})
KIND_TO_COLLECTION = {kind: collection for collection, kind in SYNCED.items()}
# The ``meta`` entries that follow the learner (the study goal), under one kind, entity id
# = the meta key. The rest of ``meta`` is this device's own (its sync state and id, a quiz
# in progress) and never syncs; a pulled ``learner_meta`` entity not listed here is
# ignored, so no other device can write this device's own records.
META_KIND = "learner_meta"
SYNCED_META = frozenset({"goal"})
FIELD = "value"
STATE_KEY = "sync"
DEVICE_KEY = "sync_device"
_ENCODED = "k64."  # prefix of an entity id that encodes a store key the id pattern refuses

Phase = Literal["off", "syncing", "synced", "pending", "offline", "error"]


@dataclass(frozen=True)
class SyncStatus:
    """What the header says: ``phase``, entries waiting to be sent, and the reason of an
    error (or of entries the server refused)."""

    phase: Phase
    pending: int = 0
    reason: str = ""
    refused: int = 0
    # Why sync stopped, for the words the UI shows: device-limit (the plan has no slot
    # for this device), removed (this device was removed from the account), refused.
    code: str = ""


def entity_id(key: str) -> str | None:
    """The sync entity id of a store key (keys the id pattern refuses are encoded), or
    None when even the encoded form is too long to sync."""
    if re.fullmatch(rules.ENTITY_ID_PATTERN, key) and not key.startswith(_ENCODED):
        return key
    encoded = _ENCODED + base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")
    return encoded if re.fullmatch(rules.ENTITY_ID_PATTERN, encoded) else None


def store_key(entity: str) -> str:
    if not entity.startswith(_ENCODED):
        return entity
    data = entity[len(_ENCODED):]
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode()


class _State:
    """The ``SyncStore`` SyncClient saves into: kept in memory, written to the device
    by ``Syncer`` together with the data it belongs to."""

    def __init__(self, state: dict[str, Any] | None) -> None:
        self.state = state

    def load(self) -> dict[str, Any] | None:
        return self.state

    def save(self, state: dict[str, Any]) -> None:
        self.state = state


class Syncer:
    """Keeps one signed-in learner's device in sync. ``on_state()`` is told of every
    status change, ``on_remote(collections)`` after pulled values were written to the
    device (the services reload those collections)."""

    def __init__(
        self,
        store: Store,
        transport: Transport,
        *,
        online: Callable[[], bool] = lambda: True,
        private: Callable[[], bool] = lambda: False,
        on_state: Callable[[], None] = lambda: None,
        on_remote: Callable[[set[str]], Awaitable[None]] | None = None,
        debounce_s: float = 1.5,
        retry_s: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        backoff: Backoff | None = None,
        new_device_id: Callable[[], str] = lambda: "web-" + uuid.uuid4().hex[:16],
    ) -> None:
        self.store = store
        self.transport = transport
        self.online = online
        self.private = private
        self.on_state = on_state
        self.on_remote = on_remote
        self.debounce_s = debounce_s
        self.retry_s = retry_s
        self.sleep = sleep
        # Few quick tries: a learner waits on this; the retry timer tries again later.
        self.backoff = backoff or Backoff(base_s=0.5, max_s=4.0, attempts=3)
        self.new_device_id = new_device_id
        self.client: SyncClient | None = None
        self.user_id: int | None = None
        self.device_id = ""
        self.status = SyncStatus("off")
        self._memory = _State(None)
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None
        self._waiting = False  # the timer sleeps (and may be restarted), not syncing
        self._rerun: float | None = None
        self._attach_due = True
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- lifetime --------------------------------------------------------------------------

    async def start(self, user_id: int) -> SyncStatus:
        """Sync this device for ``user_id`` (restoring its saved outbox and cursor), then
        sync once. A saved state of another account is set aside: that account's
        outbox cannot go to this one."""
        if self.client is not None and self.user_id == user_id:
            return await self.sync()
        self.device_id = await self._device_id()
        saved = await self._saved()
        state = saved.get("client") if saved.get("user_id") == user_id else None
        self._open(user_id, state if isinstance(state, dict) else None)
        return await self.sync()

    def stop(self) -> None:
        """Stop syncing (signed out); the device keeps everything, the outbox included."""
        self.client, self.user_id = None, None
        if self._timer is not None:
            self._timer.cancel()
        self._set(SyncStatus("off"))

    def _open(self, user_id: int, state: dict[str, Any] | None) -> None:
        self._memory = _State(state)
        self.user_id = user_id
        self._attach_due = True
        self.client = SyncClient(self.transport, self.device_id, self._memory,
                                 sleep=self.sleep, backoff=self.backoff)

    async def _device_id(self) -> str:
        try:
            saved = await self.store.get("meta", DEVICE_KEY)
        except StoreError:
            saved = None
        if isinstance(saved, str) and re.fullmatch(rules.DEVICE_ID_PATTERN, saved):
            return saved
        device = self.new_device_id()
        with contextlib.suppress(StoreError):  # unsaved: a new id next visit
            await self.store.put("meta", DEVICE_KEY, device)
        return device

    async def _saved(self) -> dict[str, Any]:
        try:
            saved = await self.store.get("meta", STATE_KEY)
        except StoreError:
            return {}
        return saved if isinstance(saved, dict) else {}

    def _state_write(self) -> tuple[str, str, Any]:
        return ("meta", STATE_KEY, {"user_id": self.user_id, "client": self._memory.state or {}})

    # -- local edits (called by SyncedStore) -----------------------------------------------

    def synced(self, collection: str, key: str | None = None) -> bool:
        """Whether an entry of ``collection`` (``key``: which one, for ``meta``) syncs now."""
        if collection == "meta":
            return key in SYNCED_META
        return collection in SYNCED and (collection not in PRIVATE or self.private())

    @staticmethod
    def kind(collection: str) -> str:
        return META_KIND if collection == "meta" else SYNCED[collection]

    def capture(self, writes: list[tuple[str, str, Any]]) -> tuple[list[tuple[str, str, Any]], Any]:
        """Record the synced ones of ``writes`` (a value of None is a deletion) in the
        outbox; return the state write to store with them, and what ``undo`` needs."""
        if self.client is None:
            return [], None
        # A copy: the client's saved state shares its lists with the client.
        before = copy.deepcopy(self._memory.state)
        recorded = False
        for collection, key, value in writes:
            recorded |= self._record(collection, key, value)
        if not recorded:
            return [], None
        return [self._state_write()], before

    def _record(self, collection: str, key: str, value: Any) -> bool:
        entity = entity_id(key)
        if self.client is None or not self.synced(collection, key) or entity is None:
            return False
        try:
            self.client.record(self.kind(collection), entity, {FIELD: value})
        except SyncError as error:  # too large for sync: kept on the device, said in the header
            self._set(SyncStatus("error", self.pending, str(error), self.refused))
            return False
        return True

    def undo(self, before: Any) -> None:
        """The store refused the write ``capture`` went with: forget what it recorded."""
        if self.client is not None and self.user_id is not None:
            self._open(self.user_id, before)

    def edited(self) -> None:
        """A synced edit was stored: show it pending and sync a moment later."""
        if self.client is None:
            return
        if self.status.phase != "syncing":
            self._set(SyncStatus("pending" if self.online() else "offline", self.pending,
                                 refused=self.refused))
        self.schedule(self.debounce_s)

    @property
    def pending(self) -> int:
        return self.client.pending if self.client else 0

    @property
    def refused(self) -> int:
        return len(self.client.rejected) if self.client else 0

    # -- syncing ---------------------------------------------------------------------------

    def schedule(self, delay_s: float = 0.0) -> None:
        """Sync after ``delay_s``; a later call restarts the wait, so edits in a row sync
        once. While a sync runs, it runs once more when it ends (never cut short)."""
        if self.client is None:
            return
        timer = self._timer
        if timer is not None and not timer.done():
            if not self._waiting:
                self._rerun = delay_s if self._rerun is None else min(self._rerun, delay_s)
                return
            timer.cancel()
        self._timer = asyncio.ensure_future(self._later(delay_s))

    async def _later(self, delay_s: float) -> None:
        self._waiting = True
        try:
            await self.sleep(delay_s)
        finally:
            self._waiting = False
        await self.sync()
        if self._rerun is not None and self.client is not None:
            delay, self._rerun = self._rerun, None
            self._timer = asyncio.ensure_future(self._later(delay))

    def attach_again(self) -> None:
        """Look for local entries the account lacks at the next sync (after the learner
        turned on the sync of notes and conversations)."""
        self._attach_due = True
        self.schedule(0)

    async def sync(self) -> SyncStatus:
        """Attach local entries the account lacks, push the outbox, pull, and write what
        came to the device. Never raises: the outcome is the returned status."""
        async with self._lock:
            if self.client is None:
                return self._set(SyncStatus("off"))
            if not self.online():
                return self._set(SyncStatus("offline", self.pending, refused=self.refused))
            self._set(SyncStatus("syncing", self.pending, refused=self.refused))
            client = self.client
            try:
                if self._attach_due:
                    await self._attach(client)
                    self._attach_due = False
                await client.push()
                await client.pull()
                collections = await self._apply(client)
            except SyncUnavailable as error:
                await self._persist()
                self._retry_later()
                return self._set(SyncStatus("offline", self.pending, str(error), self.refused))
            except SyncRejected as error:
                await self._persist()
                if error.status == 401:
                    self.stop()
                    return self._set(SyncStatus("off", 0, error.detail))
                code = {402: "device-limit", 409: "removed"}.get(error.status, "refused")
                return self._set(SyncStatus("error", self.pending, error.detail, self.refused, code))
            except (SyncError, StoreError) as error:
                await self._persist()
                return self._set(SyncStatus("error", self.pending, str(error), self.refused))
        if collections and self.on_remote is not None:
            await self.on_remote(collections)
        reason = self.client.rejected[-1]["reason"] if self.client and self.client.rejected else ""
        phase: Phase = "pending" if self.pending else "synced"
        if self.pending:
            self.schedule(self.debounce_s)  # edits made while this sync ran
        return self._set(SyncStatus(phase, self.pending, reason, self.refused))

    def _retry_later(self) -> None:
        if self.pending:
            self.schedule(self.retry_s)

    async def _attach(self, client: SyncClient) -> None:
        """Record each local entry of a synced collection that differs from the account's."""
        missing = object()
        recorded = False
        local: list[tuple[str, str, str, Any]] = []
        for collection, kind in SYNCED.items():
            if self.synced(collection):
                local += [(collection, kind, key, value) for key, value in await self.store.items(collection)]
        for key in sorted(SYNCED_META):
            value = await self.store.get("meta", key)
            if value is not None:
                local.append(("meta", META_KIND, key, value))
        for collection, kind, key, value in local:
            entity = entity_id(key)
            if entity is not None and client.value(kind, entity, FIELD, missing) != value:
                recorded |= self._record(collection, key, value)
        if recorded:
            await self.store.put_many([self._state_write()])

    async def _apply(self, client: SyncClient) -> set[str]:
        """Write the entries a pull changed to the device, with the new cursor."""
        puts: list[tuple[str, str, Any]] = []
        deletes: list[tuple[str, str]] = []
        for kind, entity in sorted(client.changed):
            collection = "meta" if kind == META_KIND else KIND_TO_COLLECTION.get(kind)
            if collection is None or (collection == "meta" and store_key(entity) not in SYNCED_META):
                continue
            value = client.value(kind, entity, FIELD)
            if value is None:
                deletes.append((collection, store_key(entity)))
            else:
                puts.append((collection, store_key(entity), value))
        client.changed.clear()
        try:
            await self.store.put_many([*puts, self._state_write()])
        except StoreError as error:
            if error.code != "bad-value":
                raise
            for put in puts:  # one value the device refuses must not hold back the rest
                with contextlib.suppress(StoreError):
                    await self.store.put_many([put])
            await self.store.put_many([self._state_write()])
        for collection, key in deletes:
            await self.store.delete(collection, key)
        return {c for c, _, _ in puts} | {c for c, _ in deletes}

    async def _persist(self) -> None:
        if self.client is not None:
            with contextlib.suppress(StoreError):
                await self.store.put_many([self._state_write()])

    async def forget(self) -> None:
        """Drop this device's sync state (after the account was deleted)."""
        self.stop()
        with contextlib.suppress(StoreError):
            await self.store.delete("meta", STATE_KEY)

    def _set(self, status: SyncStatus) -> SyncStatus:
        changed = status != self.status
        self.status = status
        if changed:
            self.on_state()
        return status


class SyncedStore:
    """The ``Store`` port around the device's store: every write of a synced collection
    is recorded in the outbox, in the same transaction as the write."""

    def __init__(self, inner: Store, syncer: Syncer) -> None:
        self.inner = inner
        self.syncer = syncer

    async def get(self, collection: str, key: str) -> Any:
        return await self.inner.get(collection, key)

    async def items(self, collection: str) -> list[tuple[str, Any]]:
        return await self.inner.items(collection)

    async def put(self, collection: str, key: str, value: Any) -> None:
        await self.put_many([(collection, key, value)])

    async def put_many(self, writes: list[tuple[str, str, Any]]) -> None:
        extra, before = self.syncer.capture(writes)
        try:
            await self.inner.put_many([*writes, *extra])
        except StoreError:
            if extra:
                self.syncer.undo(before)
            raise
        if extra:
            self.syncer.edited()

    async def delete(self, collection: str, key: str) -> None:
        exists = self.syncer.synced(collection, key) and await self.inner.get(collection, key) is not None
        extra, before = self.syncer.capture([(collection, key, None)]) if exists else ([], None)
        if extra:
            # The outbox first: a reload in between pushes the deletion, and the pull
            # that follows deletes the entry here too.
            try:
                await self.inner.put_many(extra)
            except StoreError:
                self.syncer.undo(before)
                raise
        await self.inner.delete(collection, key)
        if extra:
            self.syncer.edited()
