"""Client address and scheme behind reverse proxies: forwarded headers count only from
``TROPA_TRUSTED_PROXIES``; rate-limit keys fit their column whatever a client sends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import create_engine, func, select

from server.app import create_app
from server.ratelimit import MAX_KEY_CHARS, bounded_key, hit
from server.settings import Settings
from server.tables import RateLimitWindow
from tests.support.server_process import running

REAL_SECRET = "r3al-secret-value-with-enough-entropy-0123456789"


def log_in(client: httpx.Client | TestClient, name: str, headers: dict[str, str]) -> int:
    token = client.get("/api/session", headers=headers).json()["csrf_token"]
    response = client.post(
        "/auth/dev/login", json={"name": name}, headers={**headers, "x-csrf-token": token}
    )
    return response.status_code


def start_github_login(client: TestClient, headers: dict[str, str]) -> int:
    """Production has no development login; the OAuth start counts against the same limit."""
    return client.get("/auth/github/login", headers=headers, follow_redirects=False).status_code


def login_windows(database_url: str) -> int:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        count = connection.scalar(
            select(func.count()).select_from(RateLimitWindow).where(RateLimitWindow.key.like("login:%"))
        )
    engine.dispose()
    return int(count or 0)


@pytest.fixture
def live_server(database_url: str, dist_dir: Path, tmp_path: Path) -> Iterator[str]:
    env = {"TROPA_LOGIN_RATE_LIMIT": "3", "PYTHONWARNINGS": "ignore"}
    with running(dist_dir, database_url, tmp_path / "server.log", env=env) as url:
        yield url


def test_forwarded_for_from_loopback_does_not_bypass_the_login_limit(
    live_server: str, database_url: str
) -> None:
    """python -m server with no trusted proxy: a new X-Forwarded-For per request is the
    same client (the socket peer), so the 4th login is refused and one row is kept."""
    statuses = []
    with httpx.Client(base_url=live_server, timeout=10) as client:
        for i in range(6):
            statuses.append(log_in(client, f"u{i}", {"x-forwarded-for": f"203.0.113.{i}"}))
    assert statuses == [200, 200, 200, 429, 429, 429]
    assert login_windows(database_url) == 1


def test_forwarded_proto_from_an_untrusted_peer_gives_no_hsts(live_server: str) -> None:
    response = httpx.get(f"{live_server}/", headers={"x-forwarded-proto": "https"})
    assert "strict-transport-security" not in response.headers


def test_trusted_proxy_on_loopback_gives_each_client_its_own_budget(
    database_url: str, dist_dir: Path, tmp_path: Path
) -> None:
    env = {"TROPA_LOGIN_RATE_LIMIT": "3", "TROPA_TRUSTED_PROXIES": "127.0.0.1", "PYTHONWARNINGS": "ignore"}
    with running(dist_dir, database_url, tmp_path / "server.log", env=env) as url, httpx.Client(
        base_url=url, timeout=10
    ) as client:
        statuses = [log_in(client, f"u{i}", {"x-forwarded-for": f"203.0.113.{i}"}) for i in range(4)]
        secure = client.get("/", headers={"x-forwarded-proto": "https"})
    assert statuses == [200, 200, 200, 200]
    assert secure.headers["strict-transport-security"].startswith("max-age=")


def proxied_app(settings: Settings, trusted: str) -> FastAPI:
    return create_app(
        settings.model_copy(
            update={
                "environment": "production",
                "secret_key": SecretStr(REAL_SECRET),
                "cookie_secure": False,
                "trusted_proxies": trusted,
                "login_rate_limit": 2,
                # Fixed windows: an hour long, three requests almost never straddle one.
                "rate_limit_window_s": 3600,
                "github_client_id": "tropa-client",
                "github_client_secret": SecretStr(REAL_SECRET),
            }
        )
    )


def test_clients_behind_a_trusted_proxy_elsewhere_are_told_apart(settings: Settings) -> None:
    app = proxied_app(settings, "10.0.0.5")
    proxy = TestClient(app, client=("10.0.0.5", 40000))
    for client_address in ("198.51.100.1", "198.51.100.2"):
        # the left-most entry is the client's own claim; the proxy appended the real one
        headers = {"x-forwarded-for": f"1.2.3.4, {client_address}"}
        assert [start_github_login(proxy, headers) for _ in range(3)] == [302, 302, 429]
    assert proxy.get("/", headers={"x-forwarded-proto": "https"}).headers[
        "strict-transport-security"
    ].startswith("max-age=")
    app.state.engine.dispose()


def test_forwarded_headers_from_another_peer_are_ignored(settings: Settings) -> None:
    app = proxied_app(settings, "10.0.0.5")
    stranger = TestClient(app, client=("10.0.0.6", 40000))
    statuses = [start_github_login(stranger, {"x-forwarded-for": f"198.51.100.{i}"}) for i in range(3)]
    assert statuses == [302, 302, 429]
    assert "strict-transport-security" not in stranger.get(
        "/", headers={"x-forwarded-proto": "https"}
    ).headers
    app.state.engine.dispose()


def test_a_300_character_forwarded_for_is_no_server_error(settings: Settings) -> None:
    app = proxied_app(settings, "10.0.0.5")
    proxy = TestClient(app, client=("10.0.0.5", 40000), raise_server_exceptions=False)
    assert start_github_login(proxy, {"x-forwarded-for": "9" * 300}) == 302
    app.state.engine.dispose()


@pytest.mark.parametrize("length", [MAX_KEY_CHARS, MAX_KEY_CHARS + 1, 300, 5000])
def test_long_rate_limit_keys_fit_the_column_and_stay_distinct(settings: Settings, length: int) -> None:
    """On PostgreSQL a key over String(200) was a 500 (value too long)."""
    app = create_app(settings)
    keys = ["login:" + "a" * (length - 6), "login:" + "a" * (length - 7) + "b"]
    with app.state.sessionmaker() as db:
        for key in keys:
            hit(db, key, limit=5, window_s=60, now=60.0)
        stored = sorted(db.scalars(select(RateLimitWindow.key)))
    assert stored == sorted(bounded_key(key) for key in keys)
    assert all(len(key) <= MAX_KEY_CHARS for key in stored) and len(set(stored)) == 2
    app.state.engine.dispose()
