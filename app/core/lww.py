"""Per-field last-writer-wins: the merge rule shared by every device and the server.

For one field of one entity, the write with the greater ``(hlc, device_id)`` wins;
equal clocks are broken by the device id (string order). Any two replicas that have
seen the same writes hold the same values, whatever order the writes arrived in.
The server (``server/sync/merge.py``) applies the same rule to the same strings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FieldKey = tuple[str, str, str]  # (kind, entity_id, field)


@dataclass(frozen=True)
class Write:
    value: Any
    hlc: str
    device_id: str

    def beats(self, other: Write | None) -> bool:
        return other is None or (self.hlc, self.device_id) > (other.hlc, other.device_id)


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
