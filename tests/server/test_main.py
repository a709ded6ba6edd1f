"""``python -m server``: migrations at start-up, the data folder, the missing dist/ error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.server.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_server(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TROPA_") and k != "DATABASE_URL"}
    return subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_serves_with_a_fresh_sqlite_database(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<title>Tropa</title>")
    port = free_port()
    process = run_server(tmp_path, TROPA_PORT=str(port))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert health.json() == {"status": "ok", "database": "ok"}
        assert (tmp_path / "data" / "tropa.db").is_file()  # default DATABASE_URL, folder created
        assert httpx.get(f"http://127.0.0.1:{port}/").text == "<title>Tropa</title>"
        session = httpx.get(f"http://127.0.0.1:{port}/api/session").json()  # tables exist
        assert session["authenticated"] is False
    finally:
        process.terminate()
        process.communicate(timeout=20)  # also closes the pipe


def test_missing_dist_is_a_clear_start_up_error(tmp_path: Path) -> None:
    process = run_server(tmp_path, TROPA_PORT=str(free_port()))
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 2
    assert "dist/ not found: run `make build`" in output
