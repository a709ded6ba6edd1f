"""Applying a batch of changes: idempotent, and deterministic under concurrent edits.

The merge rule is ``contracts.sync.wins`` (per field, last writer wins by hybrid
logical clock, ties to the greater device id), the same function every client applies.
A change id seen before is skipped (counted once); even without that record,
re-applying a change is harmless because it cannot beat itself.

Every field that changes gets the next number of the user's sequence (``users.sync_seq``),
assigned while the user row is locked; a client pulls "changes since seq N".

Statements are SQLAlchemy Core on the session's connection (no ORM unit of work), a
fixed handful per batch whatever its size (lock and read the sequence, read seen ids,
read the fields touched, upsert the winners, record the ids, store the sequence): this
is the hot path of every learner's device.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from contracts.sync import FieldKey, wins
from server.sync.schemas import Change, FieldChange, PullResult, PushResult
from server.tables import AppliedChange, SyncField, User

Clock = tuple[str, str]  # (hlc, device_id) of the value held now


def push(db: Session, user_id: int, device_id: str, changes: list[Change]) -> PushResult:
    # Write first: takes the user's row lock (PostgreSQL) or the write lock (SQLite)
    # before anything is read, so concurrent batches of one user run one after another.
    connection = db.connection()
    seq = connection.execute(
        update(User).where(User.id == user_id).values(sync_seq=User.sync_seq).returning(User.sync_seq)
    ).scalar_one_or_none()
    if seq is None:
        raise LookupError(f"user {user_id} does not exist")
    seen = set(
        connection.scalars(
            select(AppliedChange.change_id).where(
                AppliedChange.user_id == user_id,
                AppliedChange.change_id.in_({c.id for c in changes}),
            )
        )
    )
    batch = plan(changes, device_id, seen, _load_clocks(connection, user_id, changes), seq)
    rows = [{"user_id": user_id, **row} for row in batch.rows]
    if rows:
        connection.execute(_upsert_fields(connection.dialect.name), rows)
        connection.execute(update(User).where(User.id == user_id).values(sync_seq=batch.seq))
    if batch.applied:
        applied = [{"user_id": user_id, "change_id": change_id} for change_id in batch.applied]
        connection.execute(insert(AppliedChange), applied)
    db.commit()
    return PushResult(applied=batch.applied, duplicates=batch.duplicates)


@dataclass(frozen=True)
class Batch:
    """What a push writes, decided before anything is written: the change ids applied now
    and those seen before, the winning field rows (each with its new sequence number) and
    the user's sequence after them."""

    applied: list[str]
    duplicates: list[str]
    rows: list[dict[str, Any]]  # kind, entity_id, field, value, hlc, device_id, seq
    seq: int


def plan(changes: list[Change], device_id: str, seen: set[str], current: dict[FieldKey, Clock],
         seq: int) -> Batch:
    """The merge rule applied to one batch, with no database: ``seen`` are the batch's
    ids applied before, ``current`` the clocks held now for the fields it touches, ``seq``
    the user's sequence. Every store (SQLAlchemy here, asyncpg in ``sync.postgres``) reads
    those, calls this and writes what it returns, so the rule has one definition."""
    seen = set(seen)
    current = dict(current)
    fresh: list[Change] = []
    duplicates: list[str] = []
    for change in changes:
        if change.id in seen:
            duplicates.append(change.id)
        else:
            seen.add(change.id)
            fresh.append(change)
    winners: dict[FieldKey, tuple[Any, str]] = {}  # value and hlc, in first-change order
    for change in fresh:
        for name, value in change.fields.items():
            key = (change.kind, change.entity_id, name)
            held = current.get(key)
            if held is not None and not wins(change.hlc, device_id, held[0], held[1]):
                continue
            current[key] = (change.hlc, device_id)
            winners[key] = (value, change.hlc)
    rows = []
    for (kind, entity_id, name), (value, clock) in winners.items():
        seq += 1
        rows.append({"kind": kind, "entity_id": entity_id, "field": name, "value": value,
                     "hlc": clock, "device_id": device_id, "seq": seq})
    return Batch([c.id for c in fresh], duplicates, rows, seq)


def touched(changes: list[Change]) -> set[FieldKey]:
    """The fields a batch writes."""
    return {(c.kind, c.entity_id, name) for c in changes for name in c.fields}


def pull(db: Session, user_id: int, since: int, limit: int) -> PullResult:
    rows = (
        db.connection()
        .execute(
            select(
                SyncField.seq,
                SyncField.kind,
                SyncField.entity_id,
                SyncField.field,
                SyncField.value,
                SyncField.hlc,
                SyncField.device_id,
            )
            .where(SyncField.user_id == user_id, SyncField.seq > since)
            .order_by(SyncField.seq)
            .limit(limit + 1)
        )
        .all()
    )
    page = rows[:limit]
    # Rows the server wrote itself: built without validating them again.
    return PullResult.model_construct(
        changes=[
            FieldChange.model_construct(
                seq=r.seq,
                kind=r.kind,
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


@cache
def _upsert_fields(dialect: str) -> Any:
    """One statement per dialect, built once (building it costs more than running it)."""
    insert_into = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert_into(SyncField)
    return statement.on_conflict_do_update(
        index_elements=["user_id", "kind", "entity_id", "field"],
        set_={name: statement.excluded[name] for name in ("value", "hlc", "device_id", "seq")},
    )


def _load_clocks(connection: Connection, user_id: int, changes: list[Change]) -> dict[FieldKey, Clock]:
    keys = touched(changes)
    if not keys:
        return {}
    rows = connection.execute(
        select(
            SyncField.kind, SyncField.entity_id, SyncField.field, SyncField.hlc, SyncField.device_id
        ).where(
            SyncField.user_id == user_id,
            tuple_(SyncField.kind, SyncField.entity_id, SyncField.field).in_(keys),
        )
    )
    return {(r.kind, r.entity_id, r.field): (r.hlc, r.device_id) for r in rows}
