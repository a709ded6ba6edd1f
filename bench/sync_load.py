"""Load on the sync endpoints: the real server on PostgreSQL with several uvicorn workers.

Starts ``python -m server`` on 127.0.0.1 (a free port) against its own PostgreSQL schema,
logs in one learner per simulated client, then for each concurrency level runs clients
that loop "push a batch of 5 changes, pull since my cursor" for a fixed time. Reports
requests/s and p50/p99 latency per level, and the error count (any non-2xx or transport
error). Bounded: every level stops after ``--seconds`` and ``--max-requests``; traffic goes
to loopback only; the server and the schema are removed at the end.

    .venv/bin/python bench/sync_load.py                      # 50 and 200 clients, 4 workers
    .venv/bin/python bench/sync_load.py --clients 50 200 --workers 4 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

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

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    elapsed_s: float = 0.0

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
        }


async def log_in(base_url: str, name: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=30, limits=httpx.Limits(max_connections=1))
    token = (await client.get("/api/session")).json()["csrf_token"]
    response = await client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
    response.raise_for_status()
    client.headers["x-csrf-token"] = response.json()["csrf_token"]
    return client


async def learner(
    client: httpx.AsyncClient,
    name: str,
    level: Level,
    deadline: float,
    budget: itertools.count[int],
    max_requests: int,
) -> None:
    cursor, wall = 0, 1_700_000_000_000
    for step in itertools.count():
        if time.monotonic() >= deadline or next(budget) >= max_requests:
            return
        started = time.perf_counter()
        try:
            if step % 2 == 0:
                wall += 1
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
                response = await client.post(
                    "/api/sync/push", json={"device_id": "bench", "changes": changes}
                )
            else:
                response = await client.get(
                    "/api/sync/changes", params={"device_id": "bench", "since": cursor, "limit": 100}
                )
                if response.status_code == 200:
                    cursor = response.json()["cursor"]
        except httpx.HTTPError as error:
            level.fail(type(error).__name__)
            continue
        if response.status_code >= 300:
            level.fail(f"HTTP {response.status_code}")
        else:
            level.latencies_ms.append((time.perf_counter() - started) * 1000)


async def run_level(base_url: str, clients: int, seconds: float, max_requests: int) -> Level:
    run = secrets.token_hex(3)
    # All log in first, together, so no connection sits idle past the keep-alive timeout.
    sessions = await asyncio.gather(*(log_in(base_url, f"bench-{run}-{i}") for i in range(clients)))
    level = Level(clients)
    budget = itertools.count()
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(learner(s, f"{run}-{i}", level, deadline, budget, max_requests) for i, s in enumerate(sessions))
    )
    level.elapsed_s = time.monotonic() - started
    for session in sessions:
        await session.aclose()
    return level


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15.0, help="per level")
    parser.add_argument("--max-requests", type=int, default=50_000, help="per level")
    parser.add_argument("--postgres", default=os.environ.get("TROPA_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--json", type=Path, help="also write the results here")
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
    with tempfile.TemporaryDirectory() as dist:
        (Path(dist) / "index.html").write_text("<!doctype html><title>bench</title>")
        log = Path(dist) / "server.log"
        try:
            with running(Path(dist), database_url, log, env=settings) as url:
                rows = [
                    asyncio.run(run_level(url, n, args.seconds, args.max_requests)).row()
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

    print(
        f"sync load: PostgreSQL, {args.workers} uvicorn workers, {args.seconds:g} s per level, "
        f"{os.cpu_count()} CPUs shared by server, database and load generator"
    )
    print(f"{'clients':>8} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for row in rows:
        print(
            f"{row['clients']:>8} {row['requests']:>9} {row['errors']:>7} {row['requests_per_s']:>8} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8}"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    for row in rows:
        if row["errors"]:
            print(f"errors at {row['clients']} clients: {row['error_kinds']}", file=sys.stderr)
    return 1 if any(row["errors"] for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
