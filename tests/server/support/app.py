"""App, client and login helpers shared by the server tests and the sync client tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings

TEST_SECRET = "x" * 16 + "test-secret-key-not-for-production"


@pytest.fixture
def dist_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Tropa</title>")
    return dist


def make_settings(database_url: str, dist_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "development",
        "dist_dir": dist_dir,
        "database_url": database_url,
        "secret_key": TEST_SECRET,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(database_url: str, dist_dir: Path) -> Settings:
    return make_settings(database_url, dist_dir)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def new_client(app: FastAPI) -> TestClient:
    """Another browser: its own cookie jar."""
    return TestClient(app)


def dev_login(client: TestClient, name: str) -> dict[str, Any]:
    """Log ``client`` in through the development login; CSRF header set for later calls."""
    token = client.get("/api/session").json()["csrf_token"]
    response = client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
    response.raise_for_status()
    info: dict[str, Any] = response.json()
    client.headers["x-csrf-token"] = info["csrf_token"]
    return info
