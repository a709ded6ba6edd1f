"""The asyncpg store of push and pull (``server.sync.postgres``) against the SQLAlchemy one.

On PostgreSQL the sync routes run on the event loop through asyncpg; on SQLite through
``merge.push``/``merge.pull`` in a worker thread. Both decide with ``merge.plan``; these
tests check that the statements around it agree: the same random pushes from several
devices (duplicates, ties, older clocks, nested JSON values) give the same push results
and the same pages through either store.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from server.app import create_app
from server.ratelimit import REDIS_PREFIX
from server.settings import Settings
from server.sync import merge
from server.tables import Base
from tests.server.support.app import dev_login, make_settings, new_client
from tests.server.support.database import DATABASES

DEVICES = ("laptop", "phone")  # the free plan syncs two
VALUES: list[Any] = [0, 1, 2.5, "done", "Привет, \"мир\"", None, True, [1, [2, {"a": None}]],
                     {"stage": "review", "ok": False, "n": 3}]


def scenario(seed: int) -> list[tuple[str, dict[str, Any]]]:
    """Pushes (device, body) with reused change ids, equal and older clocks, several fields."""
    rng = random.Random(seed)
    sent: list[dict[str, Any]] = []
    pushes = []
    for step in range(40):
        device = rng.choice(DEVICES)
        changes = []
        for _ in range(rng.randint(1, 5)):
            if sent and rng.random() < 0.2:
                changes.append(rng.choice(sent))  # a retried change: a duplicate
                continue
            wall = 1_700_000_000_000 + rng.randint(0, 30) * 1000
            names = rng.sample(["state", "score", "note"], rng.randint(1, 2))
            change = {"id": f"change-{seed}-{step}-{len(changes)}", "kind": "topic_progress",
                      "entity_id": f"python.t{rng.randint(1, 4)}",
                      "hlc": f"{wall:015d}-{rng.randint(0, 2):06d}",
                      "fields": {name: rng.choice(VALUES) for name in names}}
            sent.append(change)
            changes.append(change)
        pushes.append((device, {"device_id": device, "changes": changes}))
    return pushes


def play(client: TestClient, pushes: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    """Every push's answer, then every device's pages from the start, two changes a page."""
    for device in DEVICES:
        assert client.post("/api/sync/devices", json={"device_id": device}).status_code == 200
    seen: list[Any] = []
    for _, body in pushes:
        response = client.post("/api/sync/push", json=body)
        assert response.status_code == 200, response.text
        seen.append(response.json())
    for device in DEVICES:
        since, more = 0, True
        while more:
            query = {"device_id": device, "since": since, "limit": 2}
            response = client.get("/api/sync/changes", params=query)
            assert response.status_code == 200, response.text
            page = response.json()
            seen.append(page)
            since, more = page["cursor"], page["has_more"]
    return seen


def empty(database_url: str) -> None:
    engine = create_engine(database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_schema_url: str) -> str:
    """The session's PostgreSQL schema, emptied (the asyncpg store is PostgreSQL's alone)."""
    if "postgresql" not in DATABASES:
        pytest.skip("PostgreSQL is not among TROPA_TEST_DATABASES")
    empty(postgres_schema_url)
    return postgres_schema_url


@pytest.fixture
def settings(postgres_url: str, dist_dir: Path) -> Settings:
    """For the shared ``app`` and ``client`` fixtures: PostgreSQL alone."""
    return make_settings(postgres_url, dist_dir)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_asyncpg_and_sqlalchemy_stores_answer_the_same(postgres_url: str, dist_dir: Path, seed: int) -> None:
    answers = {}
    for store in ("asyncpg", "sqlalchemy"):
        empty(postgres_url)
        app = create_app(make_settings(postgres_url, dist_dir))
        try:
            with TestClient(app) as client:
                assert app.state.postgres_sync is not None
                if store == "sqlalchemy":
                    app.state.postgres_sync = None
                dev_login(client, "ada")
                answers[store] = play(client, scenario(seed))
        finally:
            app.state.engine.dispose()
    assert answers["asyncpg"] == answers["sqlalchemy"]
    duplicates = sum(len(a["duplicates"]) for a in answers["asyncpg"] if "duplicates" in a)
    assert duplicates > 0  # the scenario did retry changes


def test_on_postgresql_the_routes_do_not_use_the_sqlalchemy_store(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("the SQLAlchemy store was used")

    monkeypatch.setattr(merge, "push", refuse)
    monkeypatch.setattr(merge, "pull", refuse)
    dev_login(client, "ada")
    assert play(client, scenario(4))[-1]["has_more"] is False


def test_a_client_on_another_event_loop_gets_a_connection_of_its_own(app: FastAPI) -> None:
    browser = new_client(app)  # no lifespan: each request runs on a loop of its own
    dev_login(browser, "ada")
    answers = play(browser, scenario(5))
    assert answers[0]["applied"]


def test_the_asyncpg_store_refuses_as_the_sqlalchemy_one_does(client: TestClient) -> None:
    body = {"device_id": "laptop", "changes": scenario(6)[0][1]["changes"]}
    assert client.post("/api/sync/push", json=body).status_code in (401, 403)
    assert client.get("/api/sync/changes", params={"device_id": "laptop"}).status_code == 401
    dev_login(client, "ada")
    refused = client.post("/api/sync/push", json=body)
    assert refused.status_code == 409 and "POST /api/sync/devices" in refused.json()["detail"]
    assert client.get("/api/sync/changes", params={"device_id": "laptop"}).status_code == 409
    client.post("/auth/logout")
    assert client.get("/api/sync/changes", params={"device_id": "laptop"}).status_code == 401


def forget_counters(redis_url: str, user_id: int) -> None:
    """Drop this learner's sync counters in Redis: ids restart with every test's empty
    schema, so a counter left by an earlier run would count against this one."""
    client = redis.Redis.from_url(redis_url)
    for stored in client.scan_iter(f"{REDIS_PREFIX}sync:user:{user_id}:*"):
        client.delete(stored)
    client.close()


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_the_asyncpg_store_counts_sync_requests_against_the_limit(
    postgres_url: str, dist_dir: Path, backend: str
) -> None:
    redis_url = os.environ.get("TROPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    values: dict[str, Any] = {"sync_rate_limit": 3, "rate_limit_window_s": 3600}
    if backend == "redis":
        values["redis_url"] = redis_url
    app = create_app(make_settings(postgres_url, dist_dir, **values))
    try:
        with TestClient(app) as client:
            user_id = dev_login(client, "limited")["user_id"]
            forget_counters(redis_url, user_id)
            assert client.post("/api/sync/devices", json={"device_id": "laptop"}).status_code == 200
            answers = [client.get("/api/sync/changes", params={"device_id": "laptop"}) for _ in range(4)]
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert int(answers[-1].headers["retry-after"]) > 0
            body = {"device_id": "laptop", "changes": scenario(7)[0][1]["changes"]}
            assert client.post("/api/sync/push", json=body).status_code == 429
            forget_counters(redis_url, user_id)
    finally:
        app.state.engine.dispose()
