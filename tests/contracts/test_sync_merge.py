from __future__ import annotations

import itertools

from contracts.sync import Replica, Write

KEY = ("note", "n1", "text")


def test_greater_clock_wins_and_ties_go_to_the_greater_device() -> None:
    old = Write("old", "000000000001000-000000", "phone")
    new = Write("new", "000000000002000-000000", "aaa")
    tie = Write("tie", "000000000002000-000000", "zzz")
    assert new.beats(old) and not old.beats(new)
    assert tie.beats(new) and not new.beats(tie)
    assert not new.beats(new)


def test_replicas_converge_whatever_the_order() -> None:
    writes = [
        (KEY, Write("a", "000000000001000-000000", "laptop")),
        (KEY, Write("b", "000000000001000-000000", "phone")),
        (("note", "n1", "title"), Write("t", "000000000000500-000003", "laptop")),
        (KEY, Write("c", "000000000000999-000009", "tablet")),
    ]
    finals = set()
    for order in itertools.permutations(writes):
        replica = Replica()
        for key, write in order:
            replica.apply(key, write)
        finals.add(tuple(sorted((k, w.value) for k, w in replica.writes.items())))
    assert finals == {((("note", "n1", "text"), "b"), (("note", "n1", "title"), "t"))}


def test_apply_reports_change_and_entity_collects_fields() -> None:
    replica = Replica()
    assert replica.apply(KEY, Write("x", "000000000000001-000000", "d")) is True
    assert replica.apply(KEY, Write("y", "000000000000000-000000", "d")) is False
    replica.apply(("note", "n1", "title"), Write("T", "000000000000001-000000", "d"))
    assert replica.entity("note", "n1") == {"text": "x", "title": "T"}
    assert replica.value(("note", "n2", "text"), "none") == "none"
