"""The learner's sync devices: registered explicitly, listed, removed.

A device syncs (push, pull) only once registered with ``POST /api/sync/devices``. That
is a POST so that it needs the CSRF token: a cross-site page can make the browser GET a
URL with the session cookie (SameSite=Lax), never POST one, so it cannot use up a free
learner's device slots.

Admission is atomic: registering takes the learner's row lock first (PostgreSQL row
lock; on SQLite the database write lock), so parallel registrations of one learner count
and insert one after another and the free plan's limit holds exactly.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from server.auth.session import CurrentUser
from server.billing.entitlements import EntitlementError, entitlements_for
from server.db import SessionDep
from server.settings import Settings
from server.sync.schemas import DeviceId
from server.tables import SyncDevice, User

router = APIRouter(prefix="/devices", tags=["sync"])  # inside server/sync/routes.py's /api/sync
REGISTER_PATH = "/api/sync/devices"


class DeviceRegistration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId


class DevicePublic(BaseModel):
    device_id: str
    first_seen: datetime


class DeviceList(BaseModel):
    devices: list[DevicePublic]
    max_devices: int | None  # None: unlimited (Pro)


class DeviceNotRegistered(Exception):
    """A push or pull named a device that is not registered; the message says what to do."""

    def __init__(self, device_id: str) -> None:
        super().__init__(
            f"Device {device_id!r} is not registered for sync: "
            f"register it with POST {REGISTER_PATH} {{\"device_id\": ...}} first"
        )


def register_device(db: Session, user_id: int, device_id: str, free_sync_devices: int) -> SyncDevice:
    """The learner's device row, created if the plan allows one more; else raises
    EntitlementError. Registering a device again is harmless."""
    # Lock first, then read: concurrent registrations of this learner queue here.
    db.execute(update(User).where(User.id == user_id).values(sync_seq=User.sync_seq))
    existing = db.get(SyncDevice, (user_id, device_id))
    if existing is not None:
        db.commit()
        return existing
    limit = entitlements_for(db, user_id, free_sync_devices).max_sync_devices
    if limit is not None:
        count = db.scalar(select(func.count()).select_from(SyncDevice).where(SyncDevice.user_id == user_id))
        if (count or 0) >= limit:
            db.rollback()
            raise EntitlementError(
                f"The free plan syncs {limit} devices and {device_id!r} would be another: "
                f"remove one (DELETE {REGISTER_PATH}/{{device_id}}) or move to Pro, which syncs any number"
            )
    device = SyncDevice(user_id=user_id, device_id=device_id)
    db.add(device)
    db.commit()
    return device


def require_device(db: Session, user_id: int, device_id: str) -> None:
    """Raise DeviceNotRegistered unless the learner has registered ``device_id``."""
    found = db.scalar(
        select(SyncDevice.device_id).where(SyncDevice.user_id == user_id, SyncDevice.device_id == device_id)
    )
    if found is None:
        raise DeviceNotRegistered(device_id)


@router.post("", response_model=DevicePublic)
def register(body: DeviceRegistration, request: Request, user: CurrentUser, db: SessionDep) -> SyncDevice:
    """Register this device for sync (402 when the free plan has no slot left)."""
    settings: Settings = request.app.state.settings
    try:
        return register_device(db, user.id, body.device_id, settings.free_sync_devices)
    except EntitlementError as error:
        raise HTTPException(status.HTTP_402_PAYMENT_REQUIRED, str(error)) from error


@router.get("", response_model=DeviceList)
def list_devices(request: Request, user: CurrentUser, db: SessionDep) -> DeviceList:
    """The learner's registered devices, oldest first, and how many the plan allows."""
    settings: Settings = request.app.state.settings
    rows = db.scalars(
        select(SyncDevice)
        .where(SyncDevice.user_id == user.id)
        .order_by(SyncDevice.first_seen, SyncDevice.device_id)
    )
    limit = entitlements_for(db, user.id, settings.free_sync_devices).max_sync_devices
    return DeviceList(
        devices=[DevicePublic(device_id=r.device_id, first_seen=r.first_seen) for r in rows],
        max_devices=limit,
    )


@router.delete("/{device_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove(device_id: DeviceId, user: CurrentUser, db: SessionDep) -> Response:
    """Unregister a device: it stops syncing, and its slot is free again. What it pushed
    stays (it is the learner's progress, not the device's)."""
    gone = db.execute(
        delete(SyncDevice).where(SyncDevice.user_id == user.id, SyncDevice.device_id == device_id)
    )
    db.commit()
    if not gone.rowcount:  # type: ignore[attr-defined]
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No registered device {device_id!r}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
