"""Progress sync endpoints: push a batch from the outbox, pull changes since a cursor.

This is the busiest path of the server. On PostgreSQL the work is awaited on the event
loop through asyncpg (``sync.postgres``). Elsewhere (SQLite, the embedded default) each
request is one function run in one worker thread, with no per-request dependencies: the
session check (cookie uid and epoch against ``users``), the rate limit, the device
admission and the merge share one database session (every dependency FastAPI resolves
for a sync function costs a thread hop).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from server.auth.session import EPOCH_KEY, USER_KEY
from server.ratelimit import limit_request
from server.settings import Settings
from server.sync import devices, merge
from server.sync.postgres import PostgresSync
from server.sync.schemas import DeviceId, PullResult, PushRequest, PushResult
from server.tables import SyncDevice, User
from server.validation import is_row_id

router = APIRouter(prefix="/api/sync", tags=["sync"])
MAX_CURSOR = 2**62


@router.post("/push", response_model=PushResult)
async def push(body: PushRequest, request: Request) -> Response:
    """Apply a batch of changes; ids already applied are reported as duplicates."""
    postgres: PostgresSync | None = request.app.state.postgres_sync
    if postgres is None:
        return await run_in_threadpool(_push_in_thread, request, body)
    user_id, epoch = _cookie(request)
    result = await postgres.push(user_id, epoch, body.device_id, body.changes)
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/changes", response_model=PullResult)
async def changes(
    request: Request,
    device_id: Annotated[DeviceId, Query()],
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> Response:
    """Field values changed after cursor ``since``, oldest first."""
    postgres: PostgresSync | None = request.app.state.postgres_sync
    if postgres is None:
        return await run_in_threadpool(_pull_in_thread, request, device_id, since, limit)
    user_id, epoch = _cookie(request)
    page = await postgres.pull(user_id, epoch, device_id, since, limit)
    return Response(page, media_type="application/json")


def _push_in_thread(request: Request, body: PushRequest) -> Response:
    with _learner_session(request, body.device_id) as (db, user_id):
        return _json(merge.push(db, user_id, body.device_id, body.changes))


def _pull_in_thread(request: Request, device_id: str, since: int, limit: int) -> Response:
    with _learner_session(request, device_id) as (db, user_id):
        return _json(merge.pull(db, user_id, since, limit))


def _cookie(request: Request) -> tuple[int, str]:
    """The cookie's user id and epoch, still to be checked against ``users``; 401 when it
    names nobody."""
    user_id, epoch = request.session.get(USER_KEY), request.session.get(EPOCH_KEY)
    if is_row_id(user_id) and isinstance(epoch, str):
        return user_id, epoch
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not logged in")


def _json(result: PushResult | PullResult) -> Response:
    """The result as JSON, serialised once: a returned model would be validated again
    against ``response_model``, which for a page of 500 changes costs more than the query."""
    return Response(result.model_dump_json(), media_type="application/json")


@contextmanager
def _learner_session(request: Request, device_id: str) -> Iterator[tuple[Session, int]]:
    """A database session and the logged-in learner's id, once the request is within
    its rate limit and the device is registered; 401, 429 or 409 otherwise."""
    settings: Settings = request.app.state.settings
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as db:
        user_id, registered = _learner(request, db, device_id)
        limit_request(request, db, f"sync:user:{user_id}", settings.sync_rate_limit)
        # Asked every time, not cached: a device removed on one worker must stop on all.
        if not registered:
            raise HTTPException(status.HTTP_409_CONFLICT, str(devices.DeviceNotRegistered(device_id)))
        yield db, user_id


def _learner(request: Request, db: Session, device_id: str) -> tuple[int, bool]:
    """The cookie's user id while its epoch matches the learner's (as session_user does),
    and whether ``device_id`` is registered to them: one query for both."""
    user_id, epoch = _cookie(request)
    registered = (
        select(SyncDevice.device_id)
        .where(SyncDevice.user_id == User.id, SyncDevice.device_id == device_id)
        .exists()
    )
    row = (
        db.connection()
        .execute(select(User.session_epoch, registered.label("registered")).where(User.id == user_id))
        .first()
    )
    if row is not None and hmac.compare_digest(row.session_epoch, epoch):
        return user_id, bool(row.registered)
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not logged in")


router.include_router(devices.router)
