"""Applying a batch of changes: idempotent, and deterministic under concurrent edits.

The merge rule is ``contracts.sync.wins`` (per field, last writer wins by hybrid
logical clock, ties to the greater device id), the same function every client applies.
A change id seen before is skipped (counted once); even without that record,
re-applying a change is harmless because it cannot beat itself.

Every field that changes gets the next number of the user's sequence (``users.sync_seq``),
assigned while the user row is locked; a client pulls "changes since seq N".
"""

from __future__ import annotations

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from contracts.sync import FieldKey, wins
from server.sync.schemas import Change, FieldChange, PullResult, PushResult
from server.tables import AppliedChange, SyncField, User


def push(db: Session, user_id: int, device_id: str, changes: list[Change]) -> PushResult:
    # Write first: takes the user's row lock (PostgreSQL) or the write lock (SQLite)
    # before anything is read, so concurrent batches of one user run one after another.
    db.execute(update(User).where(User.id == user_id).values(sync_seq=User.sync_seq))
    seen = set(
        db.scalars(
            select(AppliedChange.change_id).where(
                AppliedChange.user_id == user_id,
                AppliedChange.change_id.in_({c.id for c in changes}),
            )
        )
    )
    fresh: list[Change] = []
    duplicates: list[str] = []
    for change in changes:
        if change.id in seen:
            duplicates.append(change.id)
        else:
            seen.add(change.id)
            fresh.append(change)

    user = db.get(User, user_id, populate_existing=True)
    if user is None:
        raise LookupError(f"user {user_id} does not exist")
    current = _load_fields(db, user_id, fresh)
    dirty: dict[FieldKey, SyncField] = {}
    for change in fresh:
        for name, value in change.fields.items():
            key = (change.kind, change.entity_id, name)
            held = current.get(key)
            if held is not None and not wins(change.hlc, device_id, held.hlc, held.device_id):
                continue
            if held is None:
                held = SyncField(user_id=user_id, kind=change.kind, entity_id=change.entity_id, field=name)
                current[key] = held
            held.value, held.hlc, held.device_id = value, change.hlc, device_id
            dirty[key] = held

    seq = user.sync_seq
    for held in dirty.values():
        seq += 1
        held.seq = seq
    user.sync_seq = seq
    db.add_all(dirty.values())
    db.add_all(AppliedChange(user_id=user_id, change_id=c.id) for c in fresh)
    db.commit()
    return PushResult(applied=[c.id for c in fresh], duplicates=duplicates)


def pull(db: Session, user_id: int, since: int, limit: int) -> PullResult:
    rows = db.scalars(
        select(SyncField)
        .where(SyncField.user_id == user_id, SyncField.seq > since)
        .order_by(SyncField.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    return PullResult(
        changes=[
            FieldChange(
                seq=r.seq,
                kind=r.kind,  # type: ignore[arg-type]
                entity_id=r.entity_id,
                field=r.field,
                value=r.value,
                hlc=r.hlc,
                device_id=r.device_id,
            )
            for r in page
        ],
        cursor=page[-1].seq if page else since,
        has_more=len(rows) > limit,
    )


def _load_fields(db: Session, user_id: int, changes: list[Change]) -> dict[FieldKey, SyncField]:
    keys = {(c.kind, c.entity_id, name) for c in changes for name in c.fields}
    if not keys:
        return {}
    rows = db.scalars(
        select(SyncField).where(
            SyncField.user_id == user_id,
            tuple_(SyncField.kind, SyncField.entity_id, SyncField.field).in_(keys),
        )
    )
    return {(r.kind, r.entity_id, r.field): r for r in rows}
