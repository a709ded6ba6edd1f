"""Fixtures shared across the suite: tiny models, the real server on a free port, Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_dist(dist: Path, data: Path) -> Iterator[str]:
    """Run ``python -m server`` on ``dist`` with a fresh SQLite file in ``data``; yield its URL."""
    port = free_port()
    data.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "TROPA_PORT": str(port),
        "TROPA_DIST_DIR": str(dist),
        "DATABASE_URL": f"sqlite:///{data}/tropa.db",
    }
    log_path = data / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"server did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


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
