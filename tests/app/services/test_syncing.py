"""Sync wired to the device store, under CPython against the real server (SQLite and
PostgreSQL) over real HTTP: local data attached on first sign-in, two devices that
edit offline converge, the outbox survives a reload, private collections stay home
unless turned on, a refused write records nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.learner.store import MemoryStore, StoreError
from app.ports import Reply, Request
from app.services.progress import ProgressBook
from app.services.sync import SyncClient
from app.services.syncing import STATE_KEY, SyncedStore, Syncer, entity_id, store_key
from tests.app.services.test_sync import (
    HttpxTransport,
    Sleeps,
    dist_dir,
    logged_in,
    run,
    server_url,
)
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = ["database_url", "dist_dir", "postgres_schema_url", "server_url", "sqlite_template"]


class Recording:
    """Wraps a transport and keeps every request body it sends, as JSON text."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.bodies: list[str] = []

    async def send(self, request: Request) -> Reply:
        if request.json is not None:
            self.bodies.append(json.dumps(request.json, ensure_ascii=False))
        reply: Reply = await self.inner.send(request)
        return reply


class Device:
    """One browser: its own device store, sync state and (signed-in) cookie jar."""

    def __init__(self, transport: Any, store: MemoryStore | None = None, name: str = "dev",
                 private: bool = False) -> None:
        self.raw = store or MemoryStore()
        self.online = True
        self.private = private
        self.remote: list[set[str]] = []
        names = iter([f"web-{name}"])

        async def on_remote(collections: set[str]) -> None:
            self.remote.append(collections)

        self.syncer = Syncer(self.raw, transport, online=lambda: self.online,
                             private=lambda: self.private, on_remote=on_remote,
                             sleep=Sleeps(), new_device_id=lambda: next(names))
        self.store = SyncedStore(self.raw, self.syncer)


async def uid(client: Any) -> int:
    return int((await client.get("/api/session")).json()["user_id"])


def test_entity_ids_round_trip_and_odd_keys_are_encoded() -> None:
    assert entity_id("python.loops") == "python.loops"
    odd = "roadmap|python/loops ✓"
    assert entity_id(odd) != odd
    assert store_key(str(entity_id(odd))) == odd
    assert entity_id("x" * 200) is None  # too long to sync even encoded


def test_local_data_is_attached_on_first_sign_in_and_reaches_another_device(server_url: str) -> None:
    async def scenario() -> None:
        laptop = Device(HttpxTransport(await logged_in(server_url, "ada")), name="laptop")
        # Before signing in: marks made on the device only.
        book = ProgressBook(laptop.store, now_ms=lambda: 1_700_000_000_000)
        await book.mark("python.loops", "done")
        await book.mark("sql.joins", "learning")
        assert laptop.syncer.pending == 0  # no account yet: nothing recorded

        status = await laptop.syncer.start(await uid(laptop.syncer.transport.client))
        assert status.phase == "synced", status
        phone = Device(HttpxTransport(await logged_in(server_url, "ada")), name="phone")
        await phone.syncer.start(await uid(phone.syncer.transport.client))
        assert dict(await phone.raw.items("progress")) == {
            "python.loops": {"status": "done", "at": 1_700_000_000_000},
            "sql.joins": {"status": "learning", "at": 1_700_000_000_000},
        }
        assert phone.remote == [{"progress"}]

    run(scenario())


def test_two_devices_edit_offline_and_converge_by_the_rule(server_url: str) -> None:
    async def scenario() -> None:
        a = Device(HttpxTransport(await logged_in(server_url, "ada")), name="a")
        b = Device(HttpxTransport(await logged_in(server_url, "ada")), name="b")
        user = await uid(a.syncer.transport.client)
        await a.syncer.start(user)
        await b.syncer.start(user)
        a.online = b.online = False
        await a.store.put("progress", "python.loops", {"status": "done", "at": 1})
        await a.store.put("progress", "python.lists", {"status": "done", "at": 2})
        await b.store.put("progress", "python.loops", {"status": "learning", "at": 3})  # later edit
        assert (await a.syncer.sync()).phase == "offline"
        assert a.syncer.status.pending == 2
        a.online = b.online = True
        await a.syncer.sync()
        await b.syncer.sync()
        await a.syncer.sync()
        expected = {"python.loops": {"status": "learning", "at": 3},
                    "python.lists": {"status": "done", "at": 2}}
        assert dict(await a.raw.items("progress")) == expected
        assert dict(await b.raw.items("progress")) == expected

    run(scenario())


def test_a_deletion_syncs_and_the_outbox_survives_a_reload(server_url: str) -> None:
    async def scenario() -> None:
        transport = HttpxTransport(await logged_in(server_url, "ada"))
        user = await uid(transport.client)
        first = Device(transport, name="tab")
        await first.syncer.start(user)
        first.online = False
        await first.store.put("progress", "python.loops", {"status": "done", "at": 1})
        await first.store.delete("progress", "python.loops")
        await first.store.put("progress", "sql.joins", {"status": "done", "at": 2})
        assert first.syncer.pending == 3

        # Reload: a new Syncer over the same device store finds the outbox.
        again = Device(transport, MemoryStore(texts=first.raw.texts), name="ignored")
        again.online = False
        assert (await again.syncer.start(user)).pending == 3
        assert again.syncer.device_id == "web-tab"  # the device keeps its id
        again.online = True
        assert (await again.syncer.sync()).phase == "synced"
        other = Device(HttpxTransport(await logged_in(server_url, "ada")), name="other")
        await other.syncer.start(user)
        assert dict(await other.raw.items("progress")) == {"sql.joins": {"status": "done", "at": 2}}

    run(scenario())


def test_notes_and_conversations_stay_on_the_device_unless_turned_on(server_url: str) -> None:
    async def scenario() -> None:
        transport = Recording(HttpxTransport(await logged_in(server_url, "ada")))
        device = Device(transport, name="private")
        await device.store.put("notes", "python.loops", {"text": "zebra-secret note"})
        await device.store.put("conversations", "topic:python.loops", [{"q": "okapi-question"}])
        await device.syncer.start(await uid(transport.inner.client))
        await device.store.put("progress", "python.loops", {"status": "done", "at": 1})
        await device.store.put("notes", "sql.joins", {"text": "zebra-secret two"})
        await device.syncer.sync()
        assert transport.bodies, "progress was sent"
        assert not [b for b in transport.bodies if "zebra" in b or "okapi" in b]

        device.private = True
        device.syncer.attach_again()
        await device.syncer.sync()
        sent = "\n".join(transport.bodies)
        assert "zebra-secret note" in sent and "zebra-secret two" in sent and "okapi-question" in sent

    run(scenario())


def test_a_write_the_device_refuses_records_nothing(server_url: str) -> None:
    async def scenario() -> None:
        transport = HttpxTransport(await logged_in(server_url, "ada"))
        device = Device(transport, MemoryStore(quota_bytes=4000), name="full")
        await device.syncer.start(await uid(transport.client))
        with pytest.raises(StoreError):
            await device.store.put("progress", "python.loops", {"status": "done", "at": 1, "pad": "x" * 5000})
        assert device.syncer.pending == 0
        assert (await device.raw.get("meta", STATE_KEY))["client"].get("outbox", []) == []

    run(scenario())


def test_another_accounts_outbox_is_not_sent_to_this_one(server_url: str) -> None:
    async def scenario() -> None:
        ada = HttpxTransport(await logged_in(server_url, "ada"))
        device = Device(ada, name="shared")
        await device.syncer.start(await uid(ada.client))
        device.online = False
        await device.store.put("progress", "python.loops", {"status": "done", "at": 1})
        device.syncer.stop()
        bob = HttpxTransport(await logged_in(server_url, "bob"))
        device.syncer.transport = bob
        device.online = True
        await device.syncer.start(await uid(bob.client))
        # Bob's account gets the device's data (attached), not Ada's outbox entries as such.
        probe = SyncClient(HttpxTransport(await logged_in(server_url, "bob")), "web-probe",
                           _Mem())
        await probe.pull()
        assert probe.value("topic_progress", "python.loops", "value") == {"status": "done", "at": 1}
        ada_probe = SyncClient(HttpxTransport(await logged_in(server_url, "ada")), "web-probe2", _Mem())
        await ada_probe.pull()
        assert ada_probe.value("topic_progress", "python.loops", "value") is None

    run(scenario())


class _Mem:
    state: dict[str, Any] | None = None

    def load(self) -> dict[str, Any] | None:
        return self.state

    def save(self, state: dict[str, Any]) -> None:
        self.state = state


def test_signed_out_on_the_server_stops_sync(server_url: str) -> None:
    async def scenario() -> None:
        client = await logged_in(server_url, "ada")
        device = Device(HttpxTransport(client), name="out")
        await device.syncer.start(await uid(client))
        token = (await client.get("/api/session")).json()["csrf_token"]
        (await client.post("/auth/logout", headers={"x-csrf-token": token})).raise_for_status()
        await device.store.put("progress", "python.loops", {"status": "done", "at": 1})
        status = await device.syncer.sync()
        assert status.phase == "off" and "Not logged in" in status.reason
        # Nothing lost: the mark and its outbox entry stay on the device.
        assert await device.raw.get("progress", "python.loops") == {"status": "done", "at": 1}
        assert (await device.raw.get("meta", STATE_KEY))["client"]["outbox"]

    run(scenario())

