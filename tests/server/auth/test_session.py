"""Session cookie, CSRF, logout and the development login."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.app import SESSION_COOKIE, create_app
from tests.server.support.app import TEST_SECRET, dev_login, make_settings

UNSAFE = ("post", "put", "patch", "delete")


def test_session_cookie_is_signed_httponly_samesite(client: TestClient) -> None:
    response = TestClient(client.app).get("/api/session")  # type: ignore[arg-type]
    header = response.headers["set-cookie"]
    assert header.startswith(f"{SESSION_COOKIE}=")
    assert "httponly" in header.lower()
    assert "samesite=lax" in header.lower()
    assert "secure" not in header.lower()  # development over plain HTTP


def test_cookie_is_secure_outside_development(database_url: str, dist_dir: Path) -> None:
    settings = make_settings(database_url, dist_dir, environment="production")
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        header = client.get("/api/session").headers["set-cookie"].lower()
    assert "; secure" in header


def test_forged_session_cookie_is_ignored(client: TestClient) -> None:
    dev_login(client, "alice")
    cookie = client.cookies[SESSION_COOKIE]
    payload, _, signature = cookie.rpartition(".")
    client.cookies.set(SESSION_COOKIE, payload + "." + signature[::-1])
    assert client.get("/api/session").json()["authenticated"] is False
    assert client.get("/api/me/profile").status_code == 401


def test_every_state_changing_route_needs_the_csrf_token(app: FastAPI, client: TestClient) -> None:
    dev_login(client, "alice")
    token = client.headers.pop("x-csrf-token")
    checked = 0
    for path, operations in app.openapi()["paths"].items():
        for method in operations:
            if method not in UNSAFE or path == "/api/billing/webhook":
                continue
            url = path.replace("{provider}", "github")
            refused = client.request(method, url, json={})
            assert refused.status_code == 403, (method, path)
            assert "CSRF" in refused.json()["detail"]
            wrong = client.request(method, url, json={}, headers={"x-csrf-token": token + "x"})
            assert wrong.status_code == 403, (method, path)
            checked += 1
    assert checked >= 6
    assert client.get("/api/session").json()["authenticated"] is True  # nothing changed


def test_logout_ends_the_session(client: TestClient) -> None:
    dev_login(client, "alice")
    assert client.post("/auth/logout").status_code == 204
    assert client.get("/api/session").json()["authenticated"] is False
    assert client.get("/api/me/profile").status_code == 401


def test_login_rotates_the_csrf_token(client: TestClient) -> None:
    before = client.get("/api/session").json()["csrf_token"]
    info = dev_login(client, "alice")
    assert info["csrf_token"] != before


def test_dev_login_creates_one_user_per_name(client: TestClient, app: FastAPI) -> None:
    first = dev_login(client, "alice")["user_id"]
    again = dev_login(TestClient(app), "alice")["user_id"]
    other = dev_login(TestClient(app), "bob")["user_id"]
    assert first == again != other


def test_no_dev_login_outside_development(database_url: str, dist_dir: Path) -> None:
    settings = make_settings(database_url, dist_dir, environment="production", cookie_secure=False)
    app = create_app(settings)
    assert "/auth/dev/login" not in app.openapi()["paths"]
    with TestClient(app) as client:
        info = client.get("/api/session").json()
        assert info["development_login"] is False
        response = client.post(
            "/auth/dev/login", json={"name": "alice"}, headers={"x-csrf-token": info["csrf_token"]}
        )
        assert response.status_code in (404, 405)
        assert client.get("/api/session").json()["authenticated"] is False


@pytest.mark.parametrize("name", ["", "a" * 41, "bad name", "x\u0000"])
def test_dev_login_validates_the_name(client: TestClient, name: str) -> None:
    token = client.get("/api/session").json()["csrf_token"]
    response = client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request: body.name")


def test_test_secret_is_long_enough_for_production() -> None:
    assert len(TEST_SECRET) >= 32
