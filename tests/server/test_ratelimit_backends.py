"""Rate-limit counters on both backends, for real: the database table (the embedded
default) and Redis (``TROPA_REDIS_URL``; ``TROPA_TEST_REDIS_URL`` picks the server,
default the local one). Shared across app instances, per key, per window."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis
from fastapi import HTTPException
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.app import create_app
from server.ratelimit import REDIS_PREFIX, connect_redis, hit
from server.settings import Settings
from server.tables import RateLimitWindow

REDIS_URL = os.environ.get("TROPA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def counters() -> Iterator[redis.Redis]:
    client = connect_redis(REDIS_URL)
    client.ping()  # a missing Redis fails here, by name, not as a skipped test
    yield client
    client.close()


@pytest.fixture
def key() -> Iterator[str]:
    name = f"test:{secrets.token_hex(6)}"
    yield name
    cleanup = connect_redis(REDIS_URL)
    for stored in cleanup.scan_iter(f"{REDIS_PREFIX}{name}*"):
        cleanup.delete(stored)
    cleanup.close()


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_limit_holds_across_two_app_instances(settings: Settings, backend: str, key: str) -> None:
    """Two workers (or machines) count against one budget, and the next window starts afresh."""
    values = {"redis_url": REDIS_URL} if backend == "redis" else {}
    first, second = (create_app(settings.model_copy(update=values)) for _ in range(2))
    for app in (first, second):
        with app.state.sessionmaker() as db:
            hit(db, key, limit=2, window_s=60, now=120.0, counters=app.state.redis)
    with second.state.sessionmaker() as db, pytest.raises(HTTPException) as caught:
        hit(db, key, limit=2, window_s=60, now=130.0, counters=second.state.redis)
    assert caught.value.status_code == 429
    assert caught.value.headers == {"Retry-After": "50"}
    with first.state.sessionmaker() as db:
        hit(db, key, limit=2, window_s=60, now=181.0, counters=first.state.redis)
        rows = db.scalar(select(func.count()).select_from(RateLimitWindow))
    assert rows == (1 if backend == "database" else 0)  # old windows dropped; Redis: none here
    for app in (first, second):
        app.state.engine.dispose()


def test_redis_counters_expire_with_their_window(settings: Settings, counters: redis.Redis, key: str) -> None:
    app = create_app(settings.model_copy(update={"redis_url": REDIS_URL}))
    with app.state.sessionmaker() as db:
        for _ in range(3):
            hit(db, key, limit=5, window_s=60, now=60.0, counters=app.state.redis)
    stored = f"{REDIS_PREFIX}{key}:60"
    assert counters.get(stored) == b"3"
    assert 0 < counters.ttl(stored) <= 61
    app.state.engine.dispose()


def test_login_limit_through_redis(settings: Settings, counters: redis.Redis) -> None:
    app = create_app(settings.model_copy(update={"redis_url": REDIS_URL, "login_rate_limit": 2}))
    address = f"198.51.100.{secrets.randbelow(250)}-{secrets.token_hex(3)}"
    browser = TestClient(app, client=(address, 1234))
    statuses = []
    for i in range(3):
        token = browser.get("/api/session").json()["csrf_token"]
        statuses.append(
            browser.post(
                "/auth/dev/login", json={"name": f"r{i}"}, headers={"x-csrf-token": token}
            ).status_code
        )
    assert statuses == [200, 200, 429]
    assert list(counters.scan_iter(f"{REDIS_PREFIX}login:{address}:*"))
    with app.state.sessionmaker() as db:
        assert db.scalar(select(func.count()).select_from(RateLimitWindow)) == 0
    for stored in counters.scan_iter(f"{REDIS_PREFIX}login:{address}:*"):
        counters.delete(stored)
    app.state.engine.dispose()


def test_unreachable_redis_is_a_clear_503(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"redis_url": "redis://127.0.0.1:9/0"}))
    browser = TestClient(app)
    token = browser.get("/api/session").json()["csrf_token"]
    response = browser.post("/auth/dev/login", json={"name": "x"}, headers={"x-csrf-token": token})
    assert response.status_code == 503
    assert response.json()["detail"].startswith("Rate limiter unavailable (Redis: ConnectionError)")
    assert response.headers["retry-after"] == "5"
    app.state.engine.dispose()


def test_redis_url_scheme_is_checked() -> None:
    with pytest.raises(ValueError, match="TROPA_REDIS_URL 'http://x' must start with redis://"):
        Settings(redis_url="http://x")
