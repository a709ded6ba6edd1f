"""Browser fixtures: the real server on a free port, serving the real dist/, in Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist"
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Run ``python -m server`` on dist/ with a fresh SQLite file; yield its URL."""
    if not (DIST / "index.html").is_file() or not (DIST / "content/library.json").is_file():
        pytest.fail("dist/ is not built: run `make build` (make test does it first)")
    port = _free_port()
    data = tmp_path_factory.mktemp("server-data")
    env = {
        **os.environ,
        "TROPA_PORT": str(port),
        "TROPA_DIST_DIR": str(DIST),
        "DATABASE_URL": f"sqlite:///{data}/tropa.db",
    }
    log = (data / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"server did not start: {(data / 'server.log').read_text()[-2000:]}")
        time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


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
