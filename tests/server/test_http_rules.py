"""HTTP details an adversarial review found: headers on a 500, no-store on API answers,
405 and HEAD on API routes, a redirect that never names the Host header's site, and no
OpenAPI schema in production."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import SecretStr

from server.app import create_app
from server.security import BASE_HEADERS
from server.settings import Settings
from server.static import DistFiles
from tests.server.support.app import dev_login

REAL_SECRET = "r3al-secret-value-with-enough-entropy-0123456789"


def test_a_500_carries_the_security_headers(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("a bug in a handler")

    app.router.routes.insert(0, APIRoute("/api/test-boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/test-boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}
    for name, value in BASE_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["cache-control"] == "no-store"


def test_the_error_still_reaches_the_server_log(app: FastAPI) -> None:
    def boom() -> None:
        raise RuntimeError("a bug in a handler")

    app.router.routes.insert(0, APIRoute("/api/test-boom", boom))
    with TestClient(app) as client, pytest.raises(RuntimeError, match="a bug in a handler"):
        client.get("/api/test-boom")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/session"), ("GET", "/api/me/profile"), ("GET", "/healthz"), ("GET", "/api/nothing"),
     ("POST", "/auth/logout"), ("GET", "/auth/github/login")],
)
def test_api_answers_are_not_stored(client: TestClient, method: str, path: str) -> None:
    assert client.request(method, path).headers["cache-control"] == "no-store"


def test_static_files_keep_their_own_caching(client: TestClient) -> None:
    assert client.get("/").headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/api/sync/push", "POST"),
        ("PUT", "/api/session", "GET, HEAD"),
        ("DELETE", "/api/sync/changes", "GET, HEAD"),
        ("GET", "/auth/logout", "POST"),
        ("POST", "/api/me/profile", "GET, HEAD, PATCH"),
    ],
)
def test_a_known_path_with_another_method_is_405_with_allow(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    dev_login(client, "ada")
    response = client.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.json()["detail"] == f"{method} is not allowed on {path}; allowed: {allow}"


def test_an_unknown_api_path_is_still_a_json_404(client: TestClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["detail"] == "No API route /api/nothing-here"


@pytest.mark.parametrize("path", ["/api/session", "/healthz", "/api/me/profile"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    dev_login(client, "ada")
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_head_of_an_unknown_api_path_is_404(client: TestClient) -> None:
    assert client.head("/api/nothing").status_code == 404


def test_directory_redirect_ignores_the_host_header(settings: Settings, dist_dir: Path) -> None:
    (dist_dir / "docs").mkdir()
    (dist_dir / "docs" / "index.html").write_text("<p>docs</p>")
    app = create_app(settings)
    client = TestClient(app, base_url="http://evil.example")
    for path, location in [("/docs", "/docs/"), ("/docs?x=1", "/docs/?x=1")]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 307, path
        assert response.headers["location"] == location
    app.state.engine.dispose()


def test_directory_redirect_never_names_another_host(dist_dir: Path) -> None:
    """``//docs`` (a browser reads ``//docs/`` as the host "docs") redirects to ``/docs/``."""
    (dist_dir / "docs").mkdir()
    (dist_dir / "docs" / "index.html").write_text("<p>docs</p>")
    static = DistFiles(dist_dir)
    scope = {"type": "http", "method": "GET", "path": "//docs", "root_path": "", "query_string": b"",
             "headers": [(b"host", b"evil.example")], "scheme": "http", "server": ("evil.example", 80)}
    response = asyncio.run(static.get_response(static.get_path(scope), scope))
    assert (response.status_code, response.headers["location"]) == (307, "/docs/")


def test_openapi_schema_only_in_development(settings: Settings) -> None:
    development = create_app(settings)
    assert TestClient(development).get("/api/openapi.json").status_code == 200
    production = create_app(
        settings.model_copy(update={"environment": "production", "secret_key": SecretStr(REAL_SECRET)})
    )
    response = TestClient(production).get("/api/openapi.json")
    assert response.status_code == 404
    assert response.json()["detail"] == "No API route /api/openapi.json"
    for app in (development, production):
        app.state.engine.dispose()
