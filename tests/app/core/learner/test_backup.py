"""The learner's data file: what an export holds, and every way an import is refused
before anything is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.learner import backup, store
from app.core.learner.backup import DEVICE_KEYS, FORMAT_VERSION, BackupError, dump, parse
from app.core.learner.store import COLLECTIONS, SCHEMA_VERSION
from app.services import premium, syncing

AT = "2026-12-02T14:05:00Z"
EXCHANGE = {"question": "What is a loop?", "lang": "en", "status": "done", "intent": "explain",
            "text": "A loop repeats.", "error": "", "hint_first": False, "hits": [],
            "answer": {"text": "A loop repeats.", "cited_by_model": False, "citations": []}}
STORED: dict[str, list[tuple[str, Any]]] = {
    "progress": [("python.loops", {"status": "done", "at": 1_764_633_600_000})],
    "notes": [("python.loops", {"text": "for item in items", "at": 1_764_633_600_001})],
    "conversations": [("python.loops", [EXCHANGE])],
    "meta": [("study_days", ["2026-12-01", "2026-12-02"]), ("sync", {"user_id": "u1", "client": {}}),
             ("sync_device", "d-123")],
    "cards": [("q1", {"due": "2026-12-03"})],
}


def document(**changes: Any) -> dict[str, Any]:
    whole: dict[str, Any] = json.loads(dump(STORED, AT))
    whole.update(changes)
    return whole


def refusal(whole: Any) -> str:
    with pytest.raises(BackupError) as raised:
        parse(whole if isinstance(whole, str) else json.dumps(whole))
    return str(raised.value)


def test_an_export_holds_every_collection_and_imports_back_entry_for_entry() -> None:
    whole = document()
    assert (whole["app"], whole["kind"], whole["version"], whole["schema"], whole["exported_at"]) == (
        "tropa", "learner-data", FORMAT_VERSION, SCHEMA_VERSION, AT)
    assert list(whole["collections"]) == list(COLLECTIONS)
    assert whole["collections"]["roadmaps"] == {}
    writes = parse(dump(STORED, AT))
    expected = [(name, key, value) for name in COLLECTIONS for key, value in STORED.get(name, [])
                if (name, key) not in DEVICE_KEYS]
    assert writes == expected


def test_this_devices_sync_state_is_never_exported_and_skipped_in_a_file() -> None:
    assert {("meta", syncing.STATE_KEY), ("meta", syncing.DEVICE_KEY),
            ("meta", premium.CACHE_KEY)} == DEVICE_KEYS
    assert set(document()["collections"]["meta"]) == {"study_days"}
    planted = document()
    planted["collections"]["meta"]["sync_device"] = "d-someone-else"
    assert ("meta", "sync_device", "d-someone-else") not in parse(json.dumps(planted))


def test_a_file_that_is_not_json_says_where_it_breaks() -> None:
    reason = refusal('{"app": "tropa",\n "kind": ')
    assert "not valid JSON (line 2, column" in reason


@pytest.mark.parametrize("whole", [[], {"app": "other", "kind": "learner-data"}, {"app": "tropa"}])
def test_a_file_of_another_kind_is_not_a_tropa_data_file(whole: Any) -> None:
    assert "not a Tropa data file" in refusal(whole)


def test_a_file_from_a_newer_tropa_is_refused_with_both_versions() -> None:
    reason = refusal(document(version=FORMAT_VERSION + 1))
    assert "newer version of Tropa" in reason and f"file format {FORMAT_VERSION + 1}" in reason
    assert "newer version" in refusal(document(schema=SCHEMA_VERSION + 1))


@pytest.mark.parametrize("value", ["1", 0, True, None, 1.5])
def test_versions_must_be_whole_numbers(value: Any) -> None:
    assert 'the file\'s "version" must be a whole number' in refusal(document(version=value))


def test_collections_must_be_an_object_of_known_names() -> None:
    assert 'no "collections" object' in refusal(document(collections=[]))
    reason = refusal(document(collections={"notes": {}, "passwords": {}}))
    assert "unknown collections ('passwords')" in reason and "progress" in reason


def test_every_malformed_entry_is_counted_and_the_first_are_named() -> None:
    whole = document()
    whole["collections"]["progress"] = {f"t{n}": {"status": "finished", "at": 1} for n in range(7)}
    whole["collections"]["notes"]["python.loops"] = {"text": 5}
    reason = refusal(whole)
    assert reason.startswith("8 entries are malformed: progress 't0': not a progress mark")
    assert "and 3 more" in reason
    whole = document()
    whole["collections"]["meta"]["study_days"] = ["yesterday"]
    assert refusal(whole).startswith("1 entry is malformed: meta 'study_days': study_days must be")
    whole = document()
    whole["collections"]["conversations"] = {"python.loops": [{"question": "?"}]}
    assert "conversations 'python.loops'" in refusal(whole)
    whole = document()
    whole["collections"]["notes"] = "all of them"
    assert 'notes: must be an object of entries, not "all of them"' in refusal(whole)


def test_a_key_the_store_cannot_hold_is_malformed() -> None:
    whole = document()
    whole["collections"]["cards"]["k" * 300] = {}
    assert "cards 'kkkk" in refusal(whole) and "1 to 256 characters" in refusal(whole)


def test_an_empty_file_and_a_huge_one_are_refused() -> None:
    assert "no entries to import" in refusal(dump({}, AT))
    assert "a Tropa data file is at most" in refusal(" " * (backup.MAX_FILE_CHARS + 1))


def test_values_of_an_older_schema_are_upgraded_on_import(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file written at schema 1 read by an app at schema 2 goes through the store's
    migrations, as a stored value does."""
    written_at_1 = dump(STORED, AT)
    monkeypatch.setattr(store, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(backup, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(store.MIGRATIONS, 2, {"notes": lambda old: {**old, "text": old["text"].upper()}})
    writes = parse(written_at_1)
    assert ("notes", "python.loops", {"text": "FOR ITEM IN ITEMS", "at": 1_764_633_600_001}) in writes
