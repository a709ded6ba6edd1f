"""Wire format of progress sync, checked by the rules in ``contracts.sync`` (the same
rules the client checks before an edit enters its outbox)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from contracts import sync as rules
from contracts.sync import Kind, Timestamp

DeviceId = Annotated[str, StringConstraints(pattern=rules.DEVICE_ID_PATTERN)]
ChangeId = Annotated[str, StringConstraints(pattern=rules.CHANGE_ID_PATTERN)]
EntityId = Annotated[str, StringConstraints(pattern=rules.ENTITY_ID_PATTERN)]
FieldName = Annotated[str, StringConstraints(pattern=rules.FIELD_NAME_PATTERN)]


def not_ahead_of_the_server(hlc: str) -> str:
    """Refuse a clock more than ``MAX_CLOCK_SKEW_MS`` ahead of this server's wall clock:
    it would win its fields against every honest edit until the world caught up."""
    stamp, now = Timestamp.parse(hlc), rules.system_wall_ms()
    if rules.too_far_ahead(stamp, now):
        raise ValueError(
            f"clock {hlc} is {(stamp.wall_ms - now) / 1000:.0f} s ahead of the server's "
            f"({now} ms); at most {rules.MAX_CLOCK_SKEW_MS // 1000} s ahead is accepted: "
            "this device's clock is wrong"
        )
    return hlc


Hlc = Annotated[str, StringConstraints(pattern=rules.HLC_PATTERN), AfterValidator(not_ahead_of_the_server)]
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
