"""Security headers on every response, HSTS on HTTPS only, and the body size cap."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.app import create_app
from server.ratelimit import hit
from server.security import CONTENT_SECURITY_POLICY
from server.settings import Settings
from tests.server.support.app import dev_login

PYSCRIPT_NEEDS = [
    "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
    "worker-src 'self' blob:",
    "connect-src 'self' blob: data: https: http://127.0.0.1:* http://localhost:*",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "frame-ancestors 'none'",
]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/healthz"),
        ("GET", "/api/session"),
        ("GET", "/api/me/profile"),
        ("POST", "/api/sync/push"),
        ("GET", "/missing"),
        ("GET", "/auth/github/login"),
    ],
)
def test_every_response_carries_the_security_headers(client: TestClient, method: str, path: str) -> None:
    headers = client.request(method, path).headers
    policy = headers["content-security-policy"]
    for directive in PYSCRIPT_NEEDS:
        assert directive in policy.split("; ")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["cross-origin-embedder-policy"] == "require-corp"
    assert "strict-transport-security" not in headers  # plain HTTP


def test_hsts_only_on_https(app: FastAPI) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_policy_allows_nothing_from_other_origins_but_course_pack_fetches() -> None:
    """Only ``connect-src`` names other origins: a course pack's files are fetched from
    the host the learner gave (app.bridge.packs). Scripts, workers, styles, images and
    frames stay on our origin, so a pack can neither run code nor load a picture."""
    directives = [part.strip() for part in CONTENT_SECURITY_POLICY.split(";")]
    others = [d for d in directives if not d.startswith("connect-src ")]
    assert all("http" not in d and "*" not in d for d in others)
    assert "connect-src 'self' blob: data: https: http://127.0.0.1:* http://localhost:*" in directives


def test_declared_and_streamed_bodies_over_the_cap_are_413(client: TestClient) -> None:
    dev_login(client, "ada")
    declared = client.patch(
        "/api/me/profile", content=b"x" * 1_048_577, headers={"content-type": "application/json"}
    )
    assert declared.status_code == 413

    def chunks():  # no content-length: the cap applies while reading
        for _ in range(40):
            yield b"x" * 65536

    streamed = client.patch("/api/me/profile", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.get("/api/me/profile").json()["display_name"] == "ada"


def test_malformed_json_is_a_clear_422(client: TestClient) -> None:
    dev_login(client, "ada")
    response = client.patch(
        "/api/me/profile", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "JSON" in response.json()["detail"]


def test_login_is_rate_limited_per_address(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"login_rate_limit": 3}))
    statuses = []
    for i in range(4):
        client = TestClient(app)  # a new browser each time, same address
        token = client.get("/api/session").json()["csrf_token"]
        response = client.post("/auth/dev/login", json={"name": f"u{i}"}, headers={"x-csrf-token": token})
        statuses.append(response.status_code)
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    assert client.get("/auth/github/login").status_code == 429  # same budget for OAuth starts
    app.state.engine.dispose()


def test_rate_limit_windows_are_shared_through_the_database(settings: Settings) -> None:
    """Two app instances (two workers or machines) count against the same limit."""
    first, second = create_app(settings), create_app(settings)
    for app in (first, second):
        with app.state.sessionmaker() as db:
            hit(db, "login:10.0.0.1", limit=2, window_s=60, now=120.0)
    with second.state.sessionmaker() as db, pytest.raises(Exception, match="Too many requests"):
        hit(db, "login:10.0.0.1", limit=2, window_s=60, now=130.0)
    with first.state.sessionmaker() as db:  # next window starts afresh
        hit(db, "login:10.0.0.1", limit=2, window_s=60, now=181.0)
    for app in (first, second):
        app.state.engine.dispose()
