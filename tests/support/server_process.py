"""The server as a child process on loopback, for tests and benchmarks.

>>> with running(Path("dist"), "sqlite:////tmp/t.db", Path("/tmp/server.log")) as url:
...     urllib.request.urlopen(url + "/healthz")          # doctest: +SKIP
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServerStartError(RuntimeError):
    """The server exited or did not answer /healthz in time; the message ends with its log."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    dist: Path,
    database_url: str,
    log_path: Path,
    *,
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    start_timeout_s: float = 60,
) -> Iterator[str]:
    """Run ``python -m server`` over ``dist`` on a free port; yield its URL, then stop it.

    The environment's own ``TROPA_*`` settings are dropped so the child sees only
    these; ``env`` adds more (workers, rate limits). ``port`` is for a caller that must
    know the URL before the start (``TROPA_PUBLIC_URL`` for OAuth). Output goes to
    ``log_path``: a file, not a pipe, since a full pipe would stall the server.
    """
    port = port or free_port()
    child_env = {k: v for k, v in os.environ.items()
                 if not k.startswith("TROPA_") and k != "DATABASE_URL"}
    child_env.update({"TROPA_HOST": "127.0.0.1", "TROPA_PORT": str(port),
                      "TROPA_DIST_DIR": str(dist), "DATABASE_URL": database_url, **(env or {})})
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "server"], cwd=ROOT, env=child_env,
                                   stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise ServerStartError(f"the server did not start on {url}:\n{tail}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
