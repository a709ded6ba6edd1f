"""Wire format of progress sync, checked by the rules in ``contracts.sync`` (the same
rules the client checks before an edit enters its outbox)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from contracts import sync as rules
from contracts.sync import Kind

DeviceId = Annotated[str, StringConstraints(pattern=rules.DEVICE_ID_PATTERN)]
ChangeId = Annotated[str, StringConstraints(pattern=rules.CHANGE_ID_PATTERN)]
EntityId = Annotated[str, StringConstraints(pattern=rules.ENTITY_ID_PATTERN)]
FieldName = Annotated[str, StringConstraints(pattern=rules.FIELD_NAME_PATTERN)]
Hlc = Annotated[str, StringConstraints(pattern=rules.HLC_PATTERN)]
MAX_BATCH = rules.MAX_BATCH
Value = Annotated[Any, AfterValidator(rules.check_value)]


class Change(BaseModel):
    """One edit made on a device: new values for some fields of one entity."""

    model_config = ConfigDict(extra="forbid")

    id: ChangeId
    kind: Kind
    entity_id: EntityId
    hlc: Hlc
    fields: dict[FieldName, Value] = Field(min_length=1, max_length=rules.MAX_FIELDS)


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
