"""Load on the sync endpoints: the real server on PostgreSQL with several uvicorn workers.

Starts ``python -m server`` on 127.0.0.1 (a free port) against its own PostgreSQL schema,
logs in one learner per simulated client, then for each concurrency level runs clients
that loop "push a batch of 5 changes, pull since my cursor" for a fixed time. Reports
requests/s and p50/p99 latency per level, the error count (any non-2xx or transport
error), and where the CPU went: the load generator itself, the server's processes,
PostgreSQL, Redis, and the machine's load average. Bounded: every level stops after
``--seconds`` and ``--max-requests``; traffic goes to loopback only; the server and the
schema are removed at the end.

The clients speak HTTP/1.1 over asyncio streams with keep-alive (one connection each),
written by hand so that the generator's own CPU stays small next to the server's on a
machine they share; logging in uses httpx.

    .venv/bin/python bench/sync_load.py                      # 50 and 200 clients, 2 workers
    .venv/bin/python bench/sync_load.py --clients 50 200 --workers 2 --seconds 20
    .venv/bin/python bench/sync_load.py --redis redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable

from tests.support.server_process import ServerStartError, running  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Level:
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    elapsed_s: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # share of one core, by part
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        count = len(ordered)
        return {
            "clients": self.clients,
            "requests": count + self.errors,
            "errors": self.errors,
            "requests_per_s": round((count + self.errors) / self.elapsed_s, 1),
            "p50_ms": round(statistics.median(ordered), 1) if ordered else 0.0,
            "p99_ms": round(ordered[min(count - 1, int(count * 0.99))], 1) if ordered else 0.0,
            "error_kinds": self.error_kinds,
            "cpu_cores": {part: round(share, 2) for part, share in self.cpu.items()},
            # What survives a busy machine: CPU time per request, not requests per second.
            "cpu_ms_per_request": {
                part: round(share * self.elapsed_s * 1000 / max(1, count + self.errors), 2)
                for part, share in self.cpu.items()
            },
            "load_average": [round(x, 2) for x in self.load_average],
        }


class Connection:
    """One keep-alive HTTP/1.1 connection that sends a session cookie and CSRF header."""

    def __init__(self, base_url: str, cookie: str, csrf: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = (
            f"Host: {self.host}:{self.port}\r\nCookie: tropa_session={cookie}\r\nX-CSRF-Token: {csrf}\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {target} HTTP/1.1\r\n".encode() + self.headers
        if body is not None:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.writer.write(head + b"\r\n" + (body or b""))
        status_line_and_headers = await self.reader.readuntil(b"\r\n\r\n")
        lines = status_line_and_headers.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, closing = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                closing = True
        payload = await self.reader.readexactly(length) if length else b""
        if closing:
            await self.close()
        return status, payload

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def log_in(base_url: str, name: str) -> Connection:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        token = (await client.get("/api/session")).json()["csrf_token"]
        response = await client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
        response.raise_for_status()
        csrf = response.json()["csrf_token"]
        # Servers that register devices explicitly want it first; older ones admit a
        # device on its first sync and answer this path 404 or 405.
        registered = await client.post(
            "/api/sync/devices", json={"device_id": "bench"}, headers={"x-csrf-token": csrf}
        )
        if registered.status_code not in (200, 404, 405):
            registered.raise_for_status()
        return Connection(base_url, client.cookies["tropa_session"], csrf)


def push_body(name: str, step: int, wall: int) -> bytes:
    changes = [
        {
            "id": f"{name}-{step}-{i}",
            "kind": "topic_progress",
            "entity_id": f"python.topic-{(step + i) % 40}",
            "hlc": f"{wall:015d}-{i:06d}",
            "fields": {"status": "done", "score": step % 5},
        }
        for i in range(5)
    ]
    return json.dumps({"device_id": "bench", "changes": changes}).encode()


async def learner(
    connection: Connection, name: str, level: Level, deadline: float, budget: Iterator[int],
    max_requests: int, interval_s: float = 0.0,
) -> None:
    """Push and pull in turn until the deadline: back to back (``interval_s`` 0, a closed
    loop), or one request every ``interval_s`` from a random phase (an open loop: the
    latency counts from the planned time, so a request that waits behind a slow one is
    counted as late, not left out)."""
    cursor, wall = 0, 1_700_000_000_000
    planned = time.perf_counter() + random.random() * interval_s
    for step in itertools.count():
        if time.monotonic() >= deadline or next(budget) >= max_requests:
            return
        if interval_s:
            await asyncio.sleep(max(0.0, planned - time.perf_counter()))
            started, planned = planned, planned + interval_s
        else:
            started = time.perf_counter()
        try:
            if step % 2 == 0:
                wall += 1
                status, body = await connection.request("POST", "/api/sync/push", push_body(name, step, wall))
            else:
                target = f"/api/sync/changes?device_id=bench&since={cursor}&limit=100"
                status, body = await connection.request("GET", target)
                if status == 200:
                    cursor = json.loads(body)["cursor"]
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            level.fail(type(error).__name__)
            await connection.close()
            continue
        if status >= 300:
            level.fail(f"HTTP {status}")
        else:
            level.latencies_ms.append((time.perf_counter() - started) * 1000)


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, user + system CPU seconds) from /proc (Linux)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, rest = raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return name, int(rest[1]), (int(rest[11]) + int(rest[12])) / ticks


def measured_processes() -> dict[str, list[int]]:
    """Pids of the server (this script's descendants), PostgreSQL and Redis."""
    stats = {int(d.name): _stat(int(d.name)) for d in Path("/proc").iterdir() if d.name.isdigit()}
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        if stat is not None:
            children.setdefault(stat[1], []).append(pid)
    server, todo = [], list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        server.append(pid)
        todo.extend(children.get(pid, []))
    named = {"postgresql": "postgres", "redis": "redis-server"}
    groups = {"server": server}
    for part, prefix in named.items():
        groups[part] = [pid for pid, stat in stats.items() if stat is not None and stat[0].startswith(prefix)]
    return groups


def cpu_seconds(processes: dict[str, list[int]]) -> dict[str, float]:
    """User + system CPU seconds used so far by each group of processes."""
    totals: dict[str, float] = {}
    for part, pids in processes.items():
        stats = (_stat(pid) for pid in pids)
        totals[part] = sum(stat[2] for stat in stats if stat is not None)
    return totals


def start_profiler(py_spy: str, output: Path, seconds: float) -> subprocess.Popen[bytes]:
    """py-spy sampling the server's workers (children of this script's server process)
    for ``seconds``, as collapsed stacks in ``output`` (one line per stack and its count).
    Only the thread holding the GIL is sampled: the stacks show CPU, not waits."""
    server = [pid for pid in measured_processes()["server"] if (_stat(pid) or ("", 0, 0.0))[1] == os.getpid()]
    command = [
        py_spy, "record", "--pid", str(server[0]), "--subprocesses", "--nonblocking", "--gil",
        "--rate", "250", "--duration", str(max(1, int(seconds))), "--format", "raw", "--output", str(output),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_level(
    base_url: str, clients: int, seconds: float, max_requests: int, profile: tuple[str, Path] | None = None,
    rate: float = 0.0,
) -> Level:
    run = secrets.token_hex(3)
    connections = await asyncio.gather(*(log_in(base_url, f"bench-{run}-{i}") for i in range(clients)))
    level = Level(clients)
    budget = itertools.count()
    processes = measured_processes()  # PostgreSQL backends exist once everyone is logged in
    before, own_before = cpu_seconds(processes), resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    deadline = started + seconds
    profiler = start_profiler(profile[0], profile[1], seconds) if profile else None
    await asyncio.gather(
        *(learner(c, f"{run}-{i}", level, deadline, budget, max_requests, clients / rate if rate else 0.0)
          for i, c in enumerate(connections))
    )
    level.elapsed_s = time.monotonic() - started
    if profiler is not None:
        profiler.wait(timeout=60)
    # Processes started during the level (new PostgreSQL backends) count from zero.
    after, own_after = cpu_seconds(measured_processes()), resource.getrusage(resource.RUSAGE_SELF)
    level.load_average = os.getloadavg()
    own = (own_after.ru_utime - own_before.ru_utime) + (own_after.ru_stime - own_before.ru_stime)
    level.cpu = {"load generator": own / level.elapsed_s}
    level.cpu.update({part: (after[part] - before[part]) / level.elapsed_s for part in after})
    for connection in connections:
        await connection.close()
    return level


def print_rows(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    pacing = f"{args.rate:g} req/s offered (open loop)" if args.rate else "clients back to back (closed loop)"
    print(
        f"sync load: PostgreSQL, {args.workers} uvicorn workers, rate limits in "
        f"{'Redis' if args.redis else 'the database'}, {args.seconds:g} s per level, "
        f"{pacing}, "
        f"{os.cpu_count()} CPUs shared by server, database and load generator"
    )
    print(
        f"{'clients':>8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  "
        "cpu cores | cpu ms per request"
    )
    for row in rows:
        cpu = ", ".join(f"{part} {share}" for part, share in row["cpu_cores"].items())
        per = ", ".join(f"{part} {ms}" for part, ms in row["cpu_ms_per_request"].items())
        print(
            f"{row['clients']:>8} {row['requests']:>9} {row['errors']:>7} {row['requests_per_s']:>8} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8}  {cpu} | {per}; load average {row['load_average']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=15.0, help="per level")
    parser.add_argument("--max-requests", type=int, default=200_000, help="per level")
    parser.add_argument("--postgres", default=os.environ.get("TROPA_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--redis", default="", help="TROPA_REDIS_URL for the server (default: none)")
    parser.add_argument("--rate", type=float, default=0.0, metavar="REQ_PER_S",
                        help="offer this many requests/s in all, evenly from every client (an open loop); "
                             "default 0: every client sends its next request as soon as the last is answered")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--py-spy", default="", metavar="PY_SPY",
        help="path of a py-spy binary: sample the server's workers during each level and write "
        "collapsed stacks to .cache/sync_load_profile_<clients>.txt (sampling costs the workers some CPU)",
    )
    args = parser.parse_args()

    schema = f"tropa_bench_{secrets.token_hex(4)}"
    admin = create_engine(args.postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database_url = f"{args.postgres}?options={quote(f'-csearch_path={schema}')}"
    settings = {
        "TROPA_ENVIRONMENT": "development",
        "TROPA_WORKERS": str(args.workers),
        "TROPA_LOGIN_RATE_LIMIT": "100000",
        "TROPA_SYNC_RATE_LIMIT": "100000",
        "PYTHONWARNINGS": "ignore",
    }
    if args.redis:
        settings["TROPA_REDIS_URL"] = args.redis

    def profile(clients: int) -> tuple[str, Path] | None:
        return (args.py_spy, ROOT / ".cache" / f"sync_load_profile_{clients}.txt") if args.py_spy else None

    with tempfile.TemporaryDirectory() as dist:
        (Path(dist) / "index.html").write_text("<!doctype html><title>bench</title>")
        log = Path(dist) / "server.log"
        try:
            with running(Path(dist), database_url, log, env=settings) as url:
                (ROOT / ".cache").mkdir(exist_ok=True)
                rows = [
                    asyncio.run(run_level(url, n, args.seconds, args.max_requests, profile(n),
                                          args.rate)).row()
                    for n in args.clients
                ]
        except ServerStartError as error:
            raise SystemExit(str(error)) from None
        finally:
            (ROOT / ".cache").mkdir(exist_ok=True)
            (ROOT / ".cache" / "sync_load_server.log").write_text(log.read_text())
            errors = [line for line in log.read_text().splitlines() if "Traceback" in line or " 500 " in line]
            if errors:
                print(f"server log has {len(errors)} error lines; first: {errors[0]}", file=sys.stderr)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    print_rows(rows, args)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    for row in rows:
        if row["errors"]:
            print(f"errors at {row['clients']} clients: {row['error_kinds']}", file=sys.stderr)
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
