"""Fixed-window rate limits whose counters live in the database, so every worker and
every machine behind the load balancer shares them (the app itself keeps no state)."""

from __future__ import annotations

import hashlib
import time

from fastapi import HTTPException, Request, status
from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from server.auth.session import USER_KEY
from server.db import SessionDep
from server.settings import Settings
from server.tables import RateLimitWindow

MAX_KEY_CHARS = 200  # rate_limit_windows.key is String(200)


def bounded_key(key: str) -> str:
    """``key`` itself up to MAX_KEY_CHARS, else its first 120 characters and a SHA-256 of
    the whole (distinct long keys stay distinct and fit the column)."""
    if len(key) <= MAX_KEY_CHARS:
        return key
    return f"{key[:120]}#{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}"


def hit(db: Session, key: str, limit: int, window_s: int, now: float | None = None) -> None:
    """Count one request for ``key``; raise 429 with Retry-After once ``limit`` is passed."""
    now = time.time() if now is None else now
    key = bounded_key(key)
    window_start = int(now // window_s) * window_s
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
    count = db.execute(statement).scalar_one()
    if count == 1:  # first hit of a new window: drop this key's old windows
        db.execute(
            delete(RateLimitWindow).where(
                RateLimitWindow.key == key, RateLimitWindow.window_start < window_start
            )
        )
    db.commit()
    if count > limit:
        retry_after = max(1, int(window_start + window_s - now))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"Too many requests: at most {limit} per {window_s} s; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


def limit_login(request: Request, db: SessionDep) -> None:
    settings: Settings = request.app.state.settings
    host = request.client.host if request.client else "unknown"
    hit(db, f"login:{host}", settings.login_rate_limit, settings.rate_limit_window_s)


def limit_sync(request: Request, db: SessionDep) -> None:
    settings: Settings = request.app.state.settings
    user_id = request.session.get(USER_KEY)
    host = request.client.host if request.client else "unknown"
    key = f"sync:user:{user_id}" if isinstance(user_id, int) else f"sync:ip:{host}"
    hit(db, key, settings.sync_rate_limit, settings.rate_limit_window_s)
