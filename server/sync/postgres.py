"""The sync endpoints' work on PostgreSQL through asyncpg, on the worker's event loop.

Push and pull are the server's busiest path, and a profile of the SQLAlchemy version
(``merge.push``/``merge.pull`` in the thread pool) put half of each request's CPU in the
hop to a worker thread and in SQLAlchemy's statement layers. Here each request is a few
prepared statements on one pooled asyncpg connection, awaited on the event loop: the
session check and the device's registration in one query, the rate limit, then for a push
one transaction (lock the learner's row, read the batch's seen ids and held clocks in one
query, write the winners, the applied ids and the sequence in one statement) and for a
pull one query that PostgreSQL answers with the finished JSON page.

What a push writes is decided by ``merge.plan``, the same function the SQLAlchemy store
calls (which stays the path for SQLite, the embedded default). The statements keep the
SQLAlchemy store's semantics: the learner's row is locked before anything is read, so
batches of one learner apply one after another; values are stored as the JSON text
``json.dumps`` writes, as SQLAlchemy's JSON type does.

The pool belongs to the event loop the app's lifespan started on (uvicorn's, one per
worker). A request on another loop (a test client used without its context) gets a
connection of its own for that request.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import HTTPException, status
from sqlalchemy.engine import make_url

from server import ratelimit
from server.sync import devices, merge
from server.sync.schemas import Change, PushResult

AUTH = """
SELECT session_epoch,
       EXISTS (SELECT 1 FROM sync_devices WHERE user_id = $1 AND device_id = $2) AS registered
FROM users WHERE id = $1
"""
HIT = """
INSERT INTO rate_limit_windows (key, window_start, count) VALUES ($1, $2, 1)
ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_windows.count + 1
RETURNING count
"""
DROP_OLD_WINDOWS = "DELETE FROM rate_limit_windows WHERE key = $1 AND window_start < $2"
# A counter lost in a crash costs nothing; a pushed change must be on disk before its 200.
BEGIN_DURABLE = "BEGIN; SET LOCAL synchronous_commit TO on"
# The learner's row locked, and the session check with it: one round trip for both.
LOCK = """
UPDATE users SET sync_seq = sync_seq WHERE id = $1
RETURNING sync_seq, session_epoch,
          EXISTS (SELECT 1 FROM sync_devices WHERE user_id = $1 AND device_id = $2) AS registered
"""
READ = """
SELECT 'seen' AS what, change_id AS kind, NULL AS entity_id, NULL AS field, NULL AS hlc,
       NULL AS device_id
FROM applied_changes WHERE user_id = $1 AND change_id = ANY($2::text[])
UNION ALL
SELECT 'clock', f.kind, f.entity_id, f.field, f.hlc, f.device_id
FROM sync_fields AS f
JOIN unnest($3::text[], $4::text[], $5::text[]) AS k(kind, entity_id, field)
  ON f.kind = k.kind AND f.entity_id = k.entity_id AND f.field = k.field
WHERE f.user_id = $1
"""
WRITE = """
WITH fields AS (
  INSERT INTO sync_fields (user_id, kind, entity_id, field, value, hlc, device_id, seq)
  SELECT $1, w.kind, w.entity_id, w.field, w.value::json, w.hlc, $2, w.seq
  FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
    AS w(kind, entity_id, field, value, hlc, seq)
  ON CONFLICT (user_id, kind, entity_id, field) DO UPDATE
  SET value = excluded.value, hlc = excluded.hlc, device_id = excluded.device_id, seq = excluded.seq
), applied AS (
  INSERT INTO applied_changes (user_id, change_id, applied_at)
  SELECT $1, c, now() FROM unnest($9::text[]) AS c
)
UPDATE users SET sync_seq = $10 WHERE id = $1
"""
# The page as PullResult's JSON: rows after the cursor in sequence order, one more than
# the limit to know whether more follow.
PULL = """
SELECT json_build_object(
  'changes', coalesce(json_agg(json_build_object(
      'seq', seq, 'kind', kind, 'entity_id', entity_id, 'field', field, 'value', value,
      'hlc', hlc, 'device_id', device_id) ORDER BY seq) FILTER (WHERE n <= $3), '[]'::json),
  'cursor', coalesce(max(seq) FILTER (WHERE n <= $3), $2),
  'has_more', count(*) > $3)::text
FROM (SELECT seq, kind, entity_id, field, value, hlc, device_id,
             row_number() OVER (ORDER BY seq) AS n
      FROM sync_fields WHERE user_id = $1 AND seq > $2 ORDER BY seq LIMIT $3 + 1) AS page
"""


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """The asyncpg form of a ``postgresql+psycopg://`` URL (query options, such as a test
    schema's ``options=-csearch_path=…``, kept)."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresSync:
    """Push and pull on PostgreSQL; ``start`` and ``close`` from the app's lifespan."""

    def __init__(self, sqlalchemy_url: str, max_connections: int, rate_limit: int, window_s: int,
                 redis_url: str = "") -> None:
        self.dsn = asyncpg_dsn(sqlalchemy_url)
        self.max_connections = max_connections
        self.rate_limit = rate_limit
        self.window_s = window_s
        self.redis_url = redis_url
        self._pool: asyncpg.Pool | None = None
        self._redis: aioredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        # Opened on demand (min_size 0): an app that serves no sync holds no connection.
        self._pool = await asyncpg.create_pool(self.dsn, min_size=0, max_size=self.max_connections,
                                               connection_class=_Connection,
                                               server_settings={"synchronous_commit": "off"})
        if self.redis_url:
            self._redis = ratelimit.connect_async_redis(self.redis_url)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._redis is not None:
            await self._redis.aclose()
        self._pool = self._redis = self._loop = None

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[tuple[asyncpg.Connection, aioredis.Redis | None]]:
        if self._pool is not None and self._loop is asyncio.get_running_loop():
            async with self._pool.acquire() as connection:
                yield connection, self._redis
            return
        connection = await asyncpg.connect(self.dsn, server_settings={"synchronous_commit": "off"})
        counters = ratelimit.connect_async_redis(self.redis_url) if self.redis_url else None
        try:
            yield connection, counters
        finally:
            await connection.close()
            if counters is not None:
                await counters.aclose()

    async def _admit(self, connection: asyncpg.Connection, counters: aioredis.Redis | None,
                     user_id: int, epoch: str, device_id: str, row: asyncpg.Record | None) -> asyncpg.Record:
        """401 unless ``row`` (the learner's session epoch and whether ``device_id`` is
        registered, read on every request: a device removed through another worker must stop
        here too) matches the cookie's epoch; 429 past the rate limit; 409 unless the device
        is registered."""
        if row is None or not hmac.compare_digest(row["session_epoch"], epoch):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not logged in")
        await self._hit(connection, counters, f"sync:user:{user_id}")
        if not row["registered"]:
            raise HTTPException(status.HTTP_409_CONFLICT, str(devices.DeviceNotRegistered(device_id)))
        return row

    async def _hit(self, connection: asyncpg.Connection, counters: aioredis.Redis | None, key: str) -> None:
        now = time.time()
        key, window_start = ratelimit.window_of(key, self.window_s, now)
        if counters is not None:
            count = await ratelimit.count_in_redis_async(counters, key, window_start, self.window_s)
        else:
            count = await connection.fetchval(HIT, key, window_start)
            if count == 1:  # first hit of a new window: drop this key's old windows
                await connection.execute(DROP_OLD_WINDOWS, key, window_start)
        ratelimit.refuse_past_limit(count, self.rate_limit, window_start, self.window_s, now)

    async def push(self, user_id: int, epoch: str, device_id: str, changes: list[Change]) -> PushResult:
        async with self._connection() as (connection, counters):
            await connection.execute(BEGIN_DURABLE)
            try:
                # Lock first, then read: concurrent batches of this learner run one after
                # another. (A refused request rolls back, its rate-limit count with it.)
                locked = await connection.fetchrow(LOCK, user_id, device_id)
                row = await self._admit(connection, counters, user_id, epoch, device_id, locked)
                result = await _push(connection, user_id, device_id, changes, row["sync_seq"])
            except BaseException:
                with contextlib.suppress(Exception):  # a broken connection is not returned to the pool
                    await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")
            return result

    async def pull(self, user_id: int, epoch: str, device_id: str, since: int, limit: int) -> str:
        """The page of changes after ``since`` as PullResult JSON."""
        async with self._connection() as (connection, counters):
            row = await connection.fetchrow(AUTH, user_id, device_id)
            await self._admit(connection, counters, user_id, epoch, device_id, row)
            page: str = await connection.fetchval(PULL, user_id, since, limit)
            return page


class _Connection(asyncpg.Connection):  # type: ignore[misc]  # asyncpg has no types
    """A pooled connection of this store: its requests set no session state (no SET, no
    cursors, no LISTEN, no advisory locks; SET LOCAL ends with its transaction), so the
    pool's reset query on every release (four statements, a round trip) is skipped; an
    open transaction is still rolled back by the pool."""

    def get_reset_query(self) -> str:
        return ""


async def _push(connection: asyncpg.Connection, user_id: int, device_id: str,
                changes: list[Change], seq: int) -> PushResult:
    keys = sorted(merge.touched(changes))
    seen: set[str] = set()
    current: dict[Any, merge.Clock] = {}
    for row in await connection.fetch(READ, user_id, [c.id for c in changes], [k[0] for k in keys],
                                      [k[1] for k in keys], [k[2] for k in keys]):
        if row["what"] == "seen":
            seen.add(row["kind"])
        else:
            current[(row["kind"], row["entity_id"], row["field"])] = (row["hlc"], row["device_id"])
    batch = merge.plan(changes, device_id, seen, current, seq)
    if batch.applied:
        rows = batch.rows
        await connection.execute(
            WRITE, user_id, device_id,
            [r["kind"] for r in rows], [r["entity_id"] for r in rows], [r["field"] for r in rows],
            [json.dumps(r["value"]) for r in rows], [r["hlc"] for r in rows], [r["seq"] for r in rows],
            batch.applied, batch.seq)
    return PushResult(applied=batch.applied, duplicates=batch.duplicates)
