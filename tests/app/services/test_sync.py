"""The sync client under CPython against the real server (SQLite and PostgreSQL), over
real HTTP through an httpx transport. Faults are injected around that transport."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.services.sync import (
    Backoff,
    MemorySyncStore,
    Reply,
    Request,
    SyncClient,
    SyncError,
    SyncRejected,
    SyncUnavailable,
    TransportError,
)
from server.app import create_app
from tests.server.support.app import dist_dir, make_settings
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template
from tests.server.support.live import serve

__all__ = ["database_url", "dist_dir", "postgres_schema_url", "sqlite_template"]


class HttpxTransport:
    """The CPython Transport: an httpx.AsyncClient with its own cookie jar."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(self, request: Request) -> Reply:
        try:
            response = await self.client.request(
                request.method,
                request.path,
                params=dict(request.params),
                json=request.json,
                headers=dict(request.headers),
            )
        except httpx.TransportError as error:
            raise TransportError(f"{request.method} {request.path}: {error!r}") from error
        body = response.json() if response.content else None
        return Reply(response.status_code, body, {k.lower(): v for k, v in response.headers.items()})


class Flaky:
    """Wraps a transport: the next ``drop_before`` sends never reach the server, and the
    next ``drop_after`` reach it but their reply is lost on the way back."""

    def __init__(self, inner: HttpxTransport) -> None:
        self.inner = inner
        self.drop_before = 0
        self.drop_after = 0
        self.sent: list[str] = []

    async def send(self, request: Request) -> Reply:
        self.sent.append(f"{request.method} {request.path}")
        if self.drop_before:
            self.drop_before -= 1
            raise TransportError("network is down")
        reply = await self.inner.send(request)
        if self.drop_after:
            self.drop_after -= 1
            raise TransportError("connection reset after the server answered")
        return reply


class Sleeps:
    """Records backoff delays instead of waiting them (real waits are tested once)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server_url(database_url: str, dist_dir: Path) -> Iterator[str]:
    app = create_app(make_settings(database_url, dist_dir, rate_limit_window_s=1, sync_rate_limit=50))
    with serve(app) as url:
        yield url
    app.state.engine.dispose()


OPEN_CLIENTS: list[httpx.AsyncClient] = []


def new_client(server_url: str) -> httpx.AsyncClient:
    """An httpx client closed after the test (an unclosed one leaks its sockets)."""
    client = httpx.AsyncClient(base_url=server_url, timeout=10)
    OPEN_CLIENTS.append(client)
    return client


def run(scenario: Coroutine[Any, Any, None]) -> None:
    """``asyncio.run(scenario)``, then close the clients it opened, in the same loop."""

    async def and_close() -> None:
        try:
            await scenario
        finally:
            while OPEN_CLIENTS:
                await OPEN_CLIENTS.pop().aclose()

    asyncio.run(and_close())


async def logged_in(server_url: str, name: str) -> httpx.AsyncClient:
    client = new_client(server_url)
    token = (await client.get("/api/session")).json()["csrf_token"]
    response = await client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
    response.raise_for_status()
    return client


def device(transport: Any, name: str, store: MemorySyncStore | None = None, **kwargs: Any) -> SyncClient:
    counter = itertools.count()
    return SyncClient(
        transport,
        name,
        store or MemorySyncStore(),
        new_id=lambda: f"{name}-{next(counter):06d}",
        **kwargs,
    )


def test_two_offline_devices_converge_and_lose_nothing(server_url: str) -> None:
    async def scenario() -> None:
        wall = {"laptop": 1_000, "phone": 2_000}
        laptop = device(
            HttpxTransport(await logged_in(server_url, "ada")), "laptop", wall_ms=lambda: wall["laptop"]
        )
        phone = device(
            HttpxTransport(await logged_in(server_url, "ada")), "phone", wall_ms=lambda: wall["phone"]
        )
        # Both offline: each edits, some fields overlap.
        laptop.record("topic_progress", "python.loops", {"status": "done", "score": 5})
        laptop.record("note", "python.loops", {"text": "for/else runs when no break"})
        phone.record("topic_progress", "python.loops", {"status": "doing"})
        phone.record("review_card", "card-7", {"due": "2026-12-01", "stability": 3.5})
        wall["laptop"] = 3_000
        laptop.record("topic_progress", "python.loops", {"status": "reviewed"})  # latest edit

        await phone.sync()
        await laptop.sync()
        await phone.sync()

        assert laptop.pending == phone.pending == 0
        assert laptop.replica.writes == phone.replica.writes
        assert phone.replica.entity("topic_progress", "python.loops") == {"status": "reviewed", "score": 5}
        assert phone.value("note", "python.loops", "text") == "for/else runs when no break"
        assert laptop.replica.entity("review_card", "card-7") == {"due": "2026-12-01", "stability": 3.5}
        # The laptop saw the phone's clock: its next edit orders after everything seen.
        assert laptop.clock.now().encode() > max(w.hlc for w in laptop.replica.writes.values())

    run(scenario())


def test_lost_reply_is_retried_and_counted_once(server_url: str) -> None:
    async def scenario() -> None:
        flaky = Flaky(HttpxTransport(await logged_in(server_url, "ada")))
        sleeps = Sleeps()
        laptop = device(flaky, "laptop", sleep=sleeps, backoff=Backoff(jitter=lambda: 1.0))
        laptop.record("topic_progress", "t0", {"status": "done"})
        await laptop.push()  # a first push, so the next one starts with the POST
        laptop.record("topic_progress", "t1", {"status": "done"})
        flaky.drop_after = 1  # the server applies the batch, the reply is lost
        report = await laptop.push()
        assert (report.applied, report.duplicates) == (0, 1)
        assert laptop.pending == 0
        assert flaky.sent.count("POST /api/sync/push") == 3
        assert sleeps.delays == [0.5]

        reader = device(HttpxTransport(await logged_in(server_url, "ada")), "phone")
        await reader.pull()
        assert reader.value("topic_progress", "t1", "status") == "done"
        assert reader.cursor == 2  # two fields, each written once

    run(scenario())


def test_offline_pushes_back_off_then_succeed(server_url: str) -> None:
    async def scenario() -> None:
        flaky = Flaky(HttpxTransport(await logged_in(server_url, "ada")))
        sleeps = Sleeps()
        laptop = device(flaky, "laptop", sleep=sleeps, backoff=Backoff(jitter=lambda: 1.0))
        laptop.record("note", "n1", {"text": "hello"})
        await laptop.pull()
        flaky.drop_before = 3
        report = await laptop.push()
        assert report.applied == 1
        assert sleeps.delays == [0.5, 1.0, 2.0]

    run(scenario())


def test_gives_up_after_every_retry_and_keeps_the_outbox(server_url: str) -> None:
    async def scenario() -> None:
        flaky = Flaky(HttpxTransport(await logged_in(server_url, "ada")))
        store = MemorySyncStore()
        laptop = device(flaky, "laptop", store, sleep=Sleeps(), backoff=Backoff(attempts=3))
        laptop.record("note", "n1", {"text": "kept"})
        await laptop.pull()
        flaky.drop_before = 10
        with pytest.raises(SyncUnavailable, match="1 edits wait in the outbox"):
            await laptop.push()
        # After a reload (a new client on the same store) the edit is still queued.
        flaky.drop_before = 0
        reloaded = device(flaky, "laptop", store)
        assert reloaded.pending == 1
        assert (await reloaded.push()).applied == 1

    run(scenario())


def test_rate_limit_is_honoured_with_retry_after(database_url: str, dist_dir: Path) -> None:
    app = create_app(make_settings(database_url, dist_dir, rate_limit_window_s=1, sync_rate_limit=2))

    async def scenario(url: str) -> None:
        flaky = Flaky(HttpxTransport(await logged_in(url, "ada")))
        waited: list[float] = []

        async def real_sleep(seconds: float) -> None:
            waited.append(seconds)
            await asyncio.sleep(seconds)

        laptop = device(flaky, "laptop", sleep=real_sleep, batch_size=1)
        for i in range(4):
            laptop.record("topic_progress", f"t{i}", {"status": "done"})
        report = await laptop.push()  # 4 requests, 2 allowed per second
        assert report.applied == 4
        assert waited and all(1.0 <= w <= 2.0 for w in waited)

    with serve(app) as url:
        run(scenario(url))
    app.state.engine.dispose()


def test_refusals_stop_without_losing_the_outbox(server_url: str) -> None:
    async def scenario() -> None:
        transport = HttpxTransport(await logged_in(server_url, "ada"))
        for name in ("laptop", "phone"):
            await device(transport, name).pull()
        tablet = device(transport, "tablet")  # a third device on the free plan
        tablet.record("note", "n1", {"text": "from the tablet"})
        with pytest.raises(SyncRejected, match="HTTP 402") as refused:
            await tablet.push()
        assert refused.value.status == 402
        assert tablet.pending == 1

        anonymous = device(HttpxTransport(new_client(server_url)), "laptop")
        anonymous.record("note", "n1", {"text": "x"})
        with pytest.raises(SyncRejected, match="Not logged in"):
            await anonymous.push()
        assert anonymous.pending == 1

    run(scenario())


def test_record_refuses_unknown_kinds() -> None:
    client = device(object(), "laptop")
    with pytest.raises(SyncError, match=r"Unknown kind .diary.\. Should be one of"):
        client.record("diary", "d1", {"text": "x"})


def test_record_refuses_what_the_server_would_refuse_before_the_outbox() -> None:
    client = device(object(), "laptop")
    cases = [
        ("topic_progress", "bad id with spaces", {"status": "done"}, "entity id"),
        ("topic_progress", "t1", {"Status": "done"}, "field name 'Status'"),
        ("note", "n1", {"text": "x" * 70_000}, "the limit is 65536"),
        ("note", "n1", {"text": "nul\x00"}, "control character"),
        ("note", "n1", {f"f{i}": i for i in range(33)}, "1 to 32 fields"),
    ]
    for kind, entity, fields, message in cases:
        with pytest.raises(SyncError, match=message):
            client.record(kind, entity, fields)
    assert client.pending == 0 and client.replica.writes == {}


def test_an_entry_the_server_refuses_is_set_aside_and_the_rest_arrive(server_url: str) -> None:
    async def scenario() -> None:
        store = MemorySyncStore()
        laptop = device(HttpxTransport(await logged_in(server_url, "ada")), "laptop", store)
        for i in range(10):
            laptop.record("topic_progress", f"t{i}", {"status": "done"})
        # As if the server's rules were tightened after the edit was queued: the first
        # entry now breaks them (a field name the server refuses).
        laptop.outbox[0]["fields"] = {"Status!": "done"}
        report = await laptop.push()
        assert report.applied == 9 and laptop.pending == 0
        assert [r["change"]["entity_id"] for r in laptop.rejected] == ["t0"]
        assert laptop.rejected[0]["status"] == 422 and "fields" in laptop.rejected[0]["reason"]
        assert device(HttpxTransport(await logged_in(server_url, "ada")), "laptop", store).rejected

        reader = device(HttpxTransport(await logged_in(server_url, "ada")), "phone")
        await reader.pull()
        assert [reader.value("topic_progress", f"t{i}", "status") for i in range(10)] == [None] + ["done"] * 9

    run(scenario())


def test_an_unnamed_refusal_is_found_by_halving(server_url: str) -> None:
    async def scenario() -> None:
        inner = HttpxTransport(await logged_in(server_url, "ada"))

        class Unnamed:
            """Strips the index from 422 replies, as a proxy or an older server might."""

            async def send(self, request: Request) -> Reply:
                reply = await inner.send(request)
                if reply.status == 422:
                    return Reply(422, {"detail": "invalid change"}, reply.headers)
                return reply

        laptop = device(Unnamed(), "laptop")
        for i in range(6):
            laptop.record("note", f"n{i}", {"text": str(i)})
        laptop.outbox[3]["kind"] = "diary"
        report = await laptop.push()
        assert report.applied == 5
        assert [r["change"]["entity_id"] for r in laptop.rejected] == ["n3"]

    run(scenario())
