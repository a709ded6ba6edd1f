"""Fixtures shared across the suite: tiny models, the real server on a free port, Chromium."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.support.server_process import ServerStartError, running

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny random-weight models, built by the real model build (a few seconds)."""
    out = tmp_path_factory.mktemp("models")
    subprocess.run(
        [sys.executable, "-m", "models.build", "--out", str(out), "--only", "tiny"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )
    return out


MODEL_LISTS = ("/models/manifest.json", "/models/chunks.json")


def model_files(urls: list[str]) -> list[str]:
    """The model files among ``urls``: the page reads the models' manifest and chunk list at
    start-up (download sizes, what is stored), which are not model files."""
    return [url for url in urls if "/models/" in url and not url.split("?")[0].endswith(MODEL_LISTS)]


@contextmanager
def serve_dist(dist: Path, data: Path) -> Iterator[str]:
    """Run ``python -m server`` on ``dist`` with a fresh SQLite file in ``data``; yield its URL."""
    try:
        with running(dist, f"sqlite:///{data}/tropa.db", data / "server.log") as url:
            yield url
    except ServerStartError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on the real dist/ (built by `make build`); yields its URL."""
    if not (DIST / "index.html").is_file() or not (DIST / "content/library.json").is_file():
        pytest.fail("dist/ is not built: run `make build` (make test does it first)")
    with serve_dist(DIST, tmp_path_factory.mktemp("server-data")) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium (Playwright's own download cannot be fetched here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Service workers blocked in the default ``context``/``page``: a test that stubs the
    network with ``page.route`` must see every request, not the worker's cached answer.
    tests/sw/ tests the service worker in persistent contexts of its own."""
    return {**browser_context_args, "service_workers": "block"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    Playwright's sync API leaves its event loop marked as running in the main thread
    until the session ends, so an ``asyncio.run`` in a later test fails with "cannot be
    called from a running event loop". Fast tests first is the better order anyway.
    A test that reaches Chromium through any fixture (its closure holds Playwright's
    ``browser_type``) is a browser test whether or not its module says so.
    """
    for item in items:
        if "browser_type" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
