"""Progress sync: the wire rules and the merge rule, shared by every device and the server.

**Clock.** A hybrid logical clock (Kulkarni et al., 2014): wall-clock milliseconds plus
a counter. ``now()`` never goes backwards even if the device clock does, and
``receive()`` moves past any timestamp seen from another device, so an edit made after
seeing another edit orders after it. Encoded as ``"{wall_ms:015d}-{counter:06d}"``:
fixed width, so string order is clock order. A clock more than ``MAX_CLOCK_SKEW_MS``
ahead of the receiver's wall clock is refused by the server and not adopted by a
client: one device with a wrong clock must not win every field forever.

**Changes.** One edit is ``{id, kind, entity_id, hlc, fields}``; ``check_change`` holds
every rule the server's schema holds (id, kind and field-name patterns, value size and
shape), so the client refuses an edit before it enters the outbox.

**Merge.** Per field, last writer wins: for one ``(kind, entity_id, field)`` the write
with the greater ``(hlc, device_id)`` wins; equal clocks go to the greater device id
(string order). Any two replicas that have seen the same writes hold the same values,
in whatever order the writes arrived.

>>> clock = HybridClock(wall_ms=lambda: 1_000)
>>> clock.now().encode()
'000000000001000-000000'
>>> clock.now().encode()
'000000000001000-000001'
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from contracts.values import check_json, clean_text, json_size

# -- what can be synced ----------------------------------------------------------------

# ``learner_meta``: the learner's own settings that follow them across devices (the study
# goal, entity id ``goal``); same merge rule as every kind. A device's own records (its
# sync state and id) are never a kind: they must not reach another device.
Kind = Literal["topic_progress", "review_card", "note", "roadmap", "conversation", "learner_meta"]
KINDS: tuple[str, ...] = get_args(Kind)

DEVICE_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
CHANGE_ID_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
ENTITY_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
FIELD_NAME_PATTERN = r"^[a-z_][a-z0-9_]{0,63}$"
HLC_PATTERN = r"^([0-9]{15})-([0-9]{6})$"

MAX_VALUE_BYTES = 65_536  # one field's value, as compact JSON
MAX_FIELDS = 32  # fields in one change
MAX_BATCH = 200  # changes in one push
# A push body stays under this, below the server's default 1 MiB request cap.
MAX_BATCH_BYTES = 900_000
MAX_PULL = 1000  # field changes in one pull page
# How far ahead of the receiver's wall clock a timestamp may be: generous for devices
# whose clock is a little off, small enough that a wrong clock cannot win for long.
MAX_CLOCK_SKEW_MS = 10 * 60 * 1000


class SyncRuleError(ValueError):
    """A change breaks a sync rule; the message names the field and the rule."""


def check_pattern(pattern: str, value: object, what: str) -> str:
    """Return ``value`` if it is a string matching ``pattern``; raise SyncRuleError."""
    if not isinstance(value, str) or re.fullmatch(pattern, value) is None:
        raise SyncRuleError(f"{what} {value!r:.80} does not match {pattern}")
    return value


def check_value(value: Any, what: str = "field value") -> Any:
    """Return ``value`` if it is JSON the server stores; raise SyncRuleError naming why."""
    try:
        return check_json(value, MAX_VALUE_BYTES, what)
    except ValueError as error:
        raise SyncRuleError(str(error)) from None


def check_change(change: Mapping[str, Any]) -> None:
    """Raise SyncRuleError unless ``change`` is one the server's push accepts."""
    extra = set(change) - {"id", "kind", "entity_id", "hlc", "fields"}
    if extra:
        raise SyncRuleError(f"change has unknown keys: {', '.join(sorted(extra))}")
    check_pattern(CHANGE_ID_PATTERN, change.get("id"), "change id")
    if change.get("kind") not in KINDS:
        raise SyncRuleError(f"unknown kind {change.get('kind')!r}; should be one of: {', '.join(KINDS)}")
    check_pattern(ENTITY_ID_PATTERN, change.get("entity_id"), "entity id")
    Timestamp.parse(change.get("hlc"))
    fields = change.get("fields")
    if not isinstance(fields, Mapping) or not 1 <= len(fields) <= MAX_FIELDS:
        raise SyncRuleError(f"a change needs 1 to {MAX_FIELDS} fields, got {fields!r:.80}")
    for name, value in fields.items():
        check_pattern(FIELD_NAME_PATTERN, name, "field name")
        check_value(value, f"field {name!r}")


def batches(changes: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split ``changes`` into pushes of at most MAX_BATCH changes and MAX_BATCH_BYTES."""
    out: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for change in changes:
        change_size = json_size(change) + 1
        if current and (len(current) >= MAX_BATCH or size + change_size > MAX_BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(change)
        size += change_size
    if current:
        out.append(current)
    return out


# -- the clock -------------------------------------------------------------------------

MAX_WALL_MS = 10**15 - 1
MAX_COUNTER = 10**6 - 1
_HLC = re.compile(HLC_PATTERN)


class ClockError(SyncRuleError):
    """A timestamp string is malformed or out of range."""


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise ClockError(f"wall_ms {self.wall_ms} is outside 0..{MAX_WALL_MS}")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise ClockError(f"counter {self.counter} is outside 0..{MAX_COUNTER}")

    def encode(self) -> str:
        return f"{self.wall_ms:015d}-{self.counter:06d}"

    @classmethod
    def parse(cls, text: object) -> Timestamp:
        match = _HLC.match(text) if isinstance(text, str) else None
        if match is None:
            raise ClockError(f"Bad clock value {text!r:.40}: expected 15 digits, '-', 6 digits")
        return cls(int(match.group(1)), int(match.group(2)))

    def successor(self) -> Timestamp:
        """The next timestamp: counter + 1, or the next millisecond when it is full."""
        if self.counter < MAX_COUNTER:
            return Timestamp(self.wall_ms, self.counter + 1)
        return Timestamp(self.wall_ms + 1, 0)


ZERO = Timestamp(0, 0)


def system_wall_ms() -> int:
    return time.time_ns() // 1_000_000


def too_far_ahead(stamp: Timestamp, wall_ms: int) -> bool:
    """True when ``stamp`` is more than MAX_CLOCK_SKEW_MS ahead of ``wall_ms``."""
    return stamp.wall_ms > wall_ms + MAX_CLOCK_SKEW_MS


class HybridClock:
    """The device's clock. ``last`` restores the state saved before a reload."""

    def __init__(self, wall_ms: Callable[[], int] = system_wall_ms, last: Timestamp = ZERO) -> None:
        self._wall_ms = wall_ms
        # A saved clock from a bad remote one (before this rule existed) is dropped too.
        self.last = ZERO if too_far_ahead(last, wall_ms()) else last

    def now(self) -> Timestamp:
        """A timestamp for a local edit, greater than every one issued or received."""
        physical = self._wall_ms()
        if physical > self.last.wall_ms:
            self.last = Timestamp(physical, 0)
        else:
            self.last = self.last.successor()
        return self.last

    def receive(self, remote: Timestamp) -> Timestamp:
        """Account for a timestamp seen from another device. One too far ahead of this
        device's wall clock is not adopted (the merge still orders by it)."""
        physical = self._wall_ms()
        if remote > self.last and not too_far_ahead(remote, physical):
            self.last = remote
        if physical > self.last.wall_ms:
            self.last = Timestamp(physical, 0)
        return self.last


# -- the merge rule --------------------------------------------------------------------

FieldKey = tuple[str, str, str]  # (kind, entity_id, field)


def wins(hlc: str, device_id: str, held_hlc: str, held_device_id: str) -> bool:
    """True when a write at ``(hlc, device_id)`` replaces one held at ``(held_…)``."""
    return (hlc, device_id) > (held_hlc, held_device_id)


@dataclass(frozen=True)
class Write:
    value: Any
    hlc: str
    device_id: str

    def beats(self, other: Write | None) -> bool:
        return other is None or wins(self.hlc, self.device_id, other.hlc, other.device_id)


class Replica:
    """The fields this device knows, each with the write that set it."""

    def __init__(self, writes: dict[FieldKey, Write] | None = None) -> None:
        self.writes: dict[FieldKey, Write] = dict(writes or {})

    def apply(self, key: FieldKey, write: Write) -> bool:
        """Keep ``write`` if it wins; True when the value changed."""
        if write.beats(self.writes.get(key)):
            self.writes[key] = write
            return True
        return False

    def value(self, key: FieldKey, default: Any = None) -> Any:
        write = self.writes.get(key)
        return default if write is None else write.value

    def entity(self, kind: str, entity_id: str) -> dict[str, Any]:
        """All known fields of one entity."""
        return {
            field: write.value for (k, e, field), write in self.writes.items() if k == kind and e == entity_id
        }


__all__ = [
    "KINDS", "MAX_BATCH", "MAX_BATCH_BYTES", "MAX_CLOCK_SKEW_MS", "MAX_FIELDS", "MAX_PULL",
    "MAX_VALUE_BYTES", "ClockError", "HybridClock", "Kind", "Replica", "SyncRuleError",
    "Timestamp", "Write", "batches", "check_change", "check_pattern", "check_value",
    "clean_text", "too_far_ahead", "wins",
]
