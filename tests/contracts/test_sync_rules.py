"""The sync rules seen from both sides: what ``contracts.sync.check_change`` refuses is
exactly what the server's push schema refuses, case by case."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from contracts import sync as rules
from server.sync.schemas import PushRequest

GOOD: dict[str, Any] = {
    "id": "abcdef12", "kind": "note", "entity_id": "python.loops", "hlc": "000000000001000-000000",
    "fields": {"text": "for/else"},
}

CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("good", {}, True),
    ("short id", {"id": "abc"}, False),
    ("id with a slash", {"id": "abcdef12/x"}, False),
    ("unknown kind", {"kind": "diary"}, False),
    ("every kind", {"kind": rules.KINDS[-1]}, True),
    ("entity id with a space", {"entity_id": "a b"}, False),
    ("entity id too long", {"entity_id": "a" * 129}, False),
    ("bad clock", {"hlc": "1000-0"}, False),
    ("no fields", {"fields": {}}, False),
    ("too many fields", {"fields": {f"f{i}": i for i in range(rules.MAX_FIELDS + 1)}}, False),
    ("as many fields as allowed", {"fields": {f"f{i}": i for i in range(rules.MAX_FIELDS)}}, True),
    ("upper-case field", {"fields": {"Text": "x"}}, False),
    ("value too large", {"fields": {"text": "x" * rules.MAX_VALUE_BYTES}}, False),
    ("NUL in a value", {"fields": {"text": "a\x00"}}, False),
    ("integer beyond 2**53", {"fields": {"n": 2**60}}, False),
    ("nested too deep", {"fields": {"v": [[[[[[[[[[1]]]]]]]]]]}}, False),
    ("extra key", {"extra": 1}, False),
]


@pytest.mark.parametrize(("name", "change", "accepted"), CASES, ids=[c[0] for c in CASES])
def test_client_and_server_agree(name: str, change: dict[str, Any], accepted: bool) -> None:
    candidate = {**GOOD, **change}
    try:
        rules.check_change(candidate)
        client_accepts = True
    except rules.SyncRuleError:
        client_accepts = False
    try:
        PushRequest.model_validate({"device_id": "laptop", "changes": [candidate]})
        server_accepts = True
    except ValidationError:
        server_accepts = False
    assert (client_accepts, server_accepts) == (accepted, accepted), name


def test_batches_respect_count_and_bytes() -> None:
    small = [{**GOOD, "id": f"change{i:04d}"} for i in range(rules.MAX_BATCH + 5)]
    assert [len(b) for b in rules.batches(small)] == [rules.MAX_BATCH, 5]
    big = [{**GOOD, "id": f"change{i:04d}", "fields": {"text": "x" * 60_000}} for i in range(40)]
    sizes = [len(b) for b in rules.batches(big)]
    assert sum(sizes) == 40 and len(sizes) > 1
    assert all(rules.batches(big)[0])
    PushRequest.model_validate({"device_id": "laptop", "changes": rules.batches(big)[0]})
