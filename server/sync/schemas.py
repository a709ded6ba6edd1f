"""Wire format of progress sync. See server/sync/merge.py for the merge rule."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from server.validation import check_json

Kind = Literal["topic_progress", "review_card", "note", "roadmap"]
DeviceId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
ChangeId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,128}$")]
FieldName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,63}$")]
# Hybrid logical clock: 15-digit wall milliseconds, '-', 6-digit counter; the fixed width
# makes string order equal clock order.
Hlc = Annotated[str, StringConstraints(pattern=r"^[0-9]{15}-[0-9]{6}$")]
MAX_VALUE_BYTES = 65536
MAX_BATCH = 200
Value = Annotated[Any, AfterValidator(lambda v: check_json(v, MAX_VALUE_BYTES, "field value"))]


class Change(BaseModel):
    """One edit made on a device: new values for some fields of one entity."""

    model_config = ConfigDict(extra="forbid")

    id: ChangeId
    kind: Kind
    entity_id: EntityId
    hlc: Hlc
    fields: dict[FieldName, Value] = Field(min_length=1, max_length=32)


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId
    changes: list[Change] = Field(min_length=1, max_length=MAX_BATCH)


class PushResult(BaseModel):
    """Ids applied now, and ids applied by an earlier push (counted once)."""

    applied: list[str]
    duplicates: list[str]


class FieldChange(BaseModel):
    """The winning value of one field, as the server holds it now."""

    seq: int
    kind: Kind
    entity_id: str
    field: str
    value: Any
    hlc: str
    device_id: str


class PullResult(BaseModel):
    changes: list[FieldChange]
    cursor: int
    has_more: bool
