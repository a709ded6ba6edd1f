"""Clients that declare a body and then stall cannot freeze the API: tested over real
sockets against ``python -m server`` as a child process.

Each stalled request sends ``Expect: 100-continue``; uvicorn answers ``100 Continue``
when the app first asks for the body, so once every stalled client has read it, every
one of them is inside the server waiting for its body: no sleeping, no guessing.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from server.app import SESSION_COOKIE
from tests.support.server_process import running

SLOTS = 2  # TROPA_DB_POOL_SIZE=1 + TROPA_DB_MAX_OVERFLOW=1
WAIT_S = 20  # only how long a broken server may take to fail the test


def start_stalled(url: str, path: str, headers: dict[str, str]) -> socket.socket:
    """Send the headers of a 1000-byte POST plus its first byte, and wait for 100 Continue."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=WAIT_S)
    lines = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Content-Type: application/json",
             "Content-Length: 1000", "Expect: 100-continue", *(f"{k}: {v}" for k, v in headers.items())]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue"), f"{path} never asked for its body"
    sock.sendall(b"{")
    return sock


def anonymous_session(url: str) -> dict[str, str]:
    response = httpx.get(f"{url}/api/session", timeout=WAIT_S)
    return {"Cookie": f"{SESSION_COOKIE}={response.cookies[SESSION_COOKIE]}",
            "X-CSRF-Token": response.json()["csrf_token"]}


def server_env(body_timeout_s: float) -> dict[str, str]:
    return {"TROPA_DB_POOL_SIZE": "1", "TROPA_DB_MAX_OVERFLOW": "1",
            "TROPA_BODY_TIMEOUT_S": str(body_timeout_s),
            # billing on, so the webhook route reads its body
            "TROPA_STRIPE_SECRET_KEY": "sk_test_stalled", "TROPA_STRIPE_WEBHOOK_SECRET": "whsec_stalled"}


@pytest.fixture
def patient_server(database_url: str, dist_dir: Path, tmp_path: Path) -> Iterator[str]:
    with running(dist_dir, database_url, tmp_path / "server.log", env=server_env(600)) as url:
        yield url


@pytest.mark.parametrize("path", ["/api/sync/push", "/api/billing/webhook"])
def test_stalled_bodies_leave_the_api_answering(patient_server: str, path: str) -> None:
    headers = anonymous_session(patient_server) if path == "/api/sync/push" else {}
    stalled = [start_stalled(patient_server, path, headers) for _ in range(SLOTS * 3)]
    try:
        with httpx.Client(base_url=patient_server, timeout=WAIT_S) as client:
            assert client.get("/healthz").status_code == 200
            assert client.get("/api/session").json()["authenticated"] is False
            assert client.get("/index.html").status_code == 200
    finally:
        for sock in stalled:
            sock.close()


def test_a_body_that_never_arrives_is_answered_408(database_url: str, dist_dir: Path, tmp_path: Path) -> None:
    with running(dist_dir, database_url, tmp_path / "server.log", env=server_env(0.5)) as url:
        sock = start_stalled(url, "/api/sync/push", anonymous_session(url))
        with sock, sock.makefile("rb") as answer:
            status_line = answer.readline()
            headers = {}
            while (line := answer.readline().strip()):
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            body = json.loads(answer.read(int(headers["content-length"])))
    assert status_line.startswith(b"HTTP/1.1 408")
    assert body["detail"] == "Request body not received within 0.5 s; send the whole body at once"
    assert headers["connection"] == "close"
