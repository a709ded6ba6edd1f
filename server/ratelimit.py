"""Fixed-window rate limits whose counters are shared by every worker and every machine
behind the load balancer (the app itself keeps no state): in Redis when
``TROPA_REDIS_URL`` is set (one round trip per request), else in the database table
``rate_limit_windows`` (the embedded default)."""

from __future__ import annotations

import hashlib
import time

import redis
import redis.asyncio as aioredis
from fastapi import HTTPException, Request, status
from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.auth.session import USER_KEY
from server.db import SessionDep
from server.settings import Settings
from server.tables import RateLimitWindow
from server.validation import is_row_id

MAX_KEY_CHARS = 200  # rate_limit_windows.key is String(200)
REDIS_PREFIX = "tropa:ratelimit:"


def bounded_key(key: str) -> str:
    """``key`` itself up to MAX_KEY_CHARS, else its first 120 characters and a SHA-256 of
    the whole (distinct long keys stay distinct and fit the column)."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return f"{key[:120]}#{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def connect_redis(url: str) -> redis.Redis:
    """A client with a connection pool, for the counters (short timeouts: a limiter
    that cannot answer must not hold a request for long)."""
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def connect_async_redis(url: str) -> aioredis.Redis:
    """The asyncio client for the same counters (the PostgreSQL sync path awaits it)."""
    return aioredis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def count_in_database(db: Session, key: str, window_start: int) -> int:
    """This window's count for ``key`` after adding one, committed."""
    postgres = db.get_bind().dialect.name == "postgresql"
    if postgres:
        # A counter lost in a database crash costs nothing; skip the WAL flush wait.
        db.execute(text("SET LOCAL synchronous_commit TO OFF"))
    insert = pg_insert if postgres else sqlite_insert
    statement = (
        insert(RateLimitWindow)
        .values(key=key, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"count": RateLimitWindow.count + 1},
        )
        .returning(RateLimitWindow.count)
    )
    count: int = db.execute(statement).scalar_one()
    if count == 1:  # first hit of a new window: drop this key's old windows
        db.execute(
            delete(RateLimitWindow).where(
                RateLimitWindow.key == key, RateLimitWindow.window_start < window_start
            )
        )
    db.commit()
    return count


def _add_one(pipe: redis.client.Pipeline | aioredis.client.Pipeline, key: str, window_start: int,
             window_s: int) -> None:
    """Queue the window's INCR and its EXPIRE (the counter goes with its window)."""
    name = f"{REDIS_PREFIX}{key}:{window_start}"
    pipe.incr(name)
    pipe.expire(name, window_s + 1)


def count_in_redis(client: redis.Redis, key: str, window_start: int, window_s: int) -> int:
    """This window's count for ``key`` after adding one; the counter expires with its window."""
    pipe = client.pipeline(transaction=False)
    _add_one(pipe, key, window_start, window_s)
    try:
        count, _ = pipe.execute()
    except redis.RedisError as error:
        raise _unavailable(error) from error
    return int(count)


async def count_in_redis_async(client: aioredis.Redis, key: str, window_start: int, window_s: int) -> int:
    """``count_in_redis`` on the asyncio client."""
    pipe = client.pipeline(transaction=False)
    _add_one(pipe, key, window_start, window_s)
    try:
        count, _ = await pipe.execute()
    except redis.RedisError as error:
        raise _unavailable(error) from error
    return int(count)


def window_of(key: str, window_s: int, now: float) -> tuple[str, int]:
    """The key as the counters store it (``bounded_key``) and the start of ``now``'s window."""
    return bounded_key(key), int(now // window_s) * window_s


def _unavailable(error: redis.RedisError) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        f"Rate limiter unavailable (Redis: {type(error).__name__}); retry shortly",
        headers={"Retry-After": "5"},
    )


def refuse_past_limit(count: int, limit: int, window_start: int, window_s: int, now: float) -> None:
    """Raise 429 with Retry-After once this window's ``count`` is past ``limit``."""
    if count > limit:
        retry_after = max(1, int(window_start + window_s - now))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests: at most {limit} per {window_s} s; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


def hit(
    db: Session,
    key: str,
    limit: int,
    window_s: int,
    now: float | None = None,
    counters: redis.Redis | None = None,
) -> None:
    """Count one request for ``key`` (in ``counters`` if given, else in the database);
    raise 429 with Retry-After once ``limit`` is passed."""
    now = time.time() if now is None else now
    key, window_start = window_of(key, window_s, now)
    if counters is not None:
        count = count_in_redis(counters, key, window_start, window_s)
    else:
        count = count_in_database(db, key, window_start)
    refuse_past_limit(count, limit, window_start, window_s, now)


def limit_request(request: Request, db: Session, key: str, limit: int) -> None:
    """``hit`` with the app's settings and counters."""
    settings: Settings = request.app.state.settings
    hit(db, key, limit, settings.rate_limit_window_s, counters=request.app.state.redis)


def client_host(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit_login(request: Request, db: SessionDep) -> None:
    settings: Settings = request.app.state.settings
    limit_request(request, db, f"login:{client_host(request)}", settings.login_rate_limit)


def sync_key(request: Request) -> str:
    """Per learner when the cookie names one, else per client address."""
    user_id = request.session.get(USER_KEY)
    return f"sync:user:{user_id}" if is_row_id(user_id) else f"sync:ip:{client_host(request)}"


def limit_sync(request: Request, db: SessionDep) -> None:
    settings: Settings = request.app.state.settings
    limit_request(request, db, sync_key(request), settings.sync_rate_limit)
