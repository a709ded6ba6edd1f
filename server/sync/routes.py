"""Progress sync endpoints: push a batch from the outbox, pull changes since a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from server.auth.session import CurrentUser
from server.db import SessionDep
from server.ratelimit import limit_sync
from server.sync import devices, merge
from server.sync.schemas import DeviceId, PullResult, PushRequest, PushResult

router = APIRouter(prefix="/api/sync", tags=["sync"])
SyncLimit = Annotated[None, Depends(limit_sync)]
MAX_CURSOR = 2**62


@router.post("/push", response_model=PushResult)
def push(body: PushRequest, request: Request, user: CurrentUser, db: SessionDep, _: SyncLimit) -> PushResult:
    """Apply a batch of changes; ids already applied are reported as duplicates."""
    _admit(request, db, user.id, body.device_id)
    return merge.push(db, user.id, body.device_id, body.changes)


@router.get("/changes", response_model=PullResult)
def changes(
    request: Request,
    user: CurrentUser,
    db: SessionDep,
    _: SyncLimit,
    device_id: Annotated[DeviceId, Query()],
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> PullResult:
    """Field values changed after cursor ``since``, oldest first."""
    _admit(request, db, user.id, device_id)
    return merge.pull(db, user.id, since, limit)


def _admit(request: Request, db: SessionDep, user_id: int, device_id: str) -> None:
    # Asked every time, not cached: a device removed on one worker must stop on all.
    try:
        devices.require_device(db, user_id, device_id)
    except devices.DeviceNotRegistered as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error


router.include_router(devices.router)
