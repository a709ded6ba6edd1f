"""All of the learner's data as one versioned JSON file, and the checks an import passes.

The file::

    {"app": "tropa", "kind": "learner-data", "version": 1, "schema": 1,
     "exported_at": "2026-12-02T14:05:00Z",
     "collections": {"progress": {"python.loops": {"status": "done", "at": ...}}, ...}}

``version`` is this file format's; ``schema`` the device store's ``SCHEMA_VERSION`` the
values were written at (older values are upgraded through the store's ``MIGRATIONS``
on import, as the store does on read). ``parse`` checks the whole file before anything
is written and returns every write; a malformed file, or one from a newer Tropa, raises
``BackupError`` naming the first problems, so an import is all or nothing. What
belongs to this device alone (``DEVICE_KEYS``: its sync state and device id) is never
written to a file, and skipped in one: another browser holding it would pose as this
device.

>>> parse(dump({"notes": [("python.loops", {"text": "hi", "at": 1})]}, "2026-12-02T00:00:00Z"))
[('notes', 'python.loops', {'text': 'hi', 'at': 1})]
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.core.errors import TropaError
from app.core.learner.notes import Note
from app.core.learner.progress import Mark
from app.core.learner.resume import KEY as QUIZ_KEY
from app.core.learner.resume import read as read_quiz
from app.core.learner.store import COLLECTIONS, SCHEMA_VERSION, StoreError, decode, encode
from app.core.tutor.conversation import from_record

APP = "tropa"
KIND = "learner-data"
FORMAT_VERSION = 1
# A file this big is no Tropa export (a value is at most 2 MiB; a learner has a few hundred).
MAX_FILE_CHARS = 64 * 1024 * 1024
# Problems listed in one refusal; the rest are counted.
SHOWN_PROBLEMS = 5
# (collection, key) of this device's own records: the sync state and the device id
# (``app.services.syncing.STATE_KEY`` and ``DEVICE_KEY``), and the premium text a Pro
# account let it keep (``app.services.premium.CACHE_KEY``), which a file must not carry.
DEVICE_KEYS = frozenset({("meta", "sync"), ("meta", "sync_device"), ("meta", "premium")})


class BackupError(TropaError):
    """The file cannot be imported; nothing was written. The message says why."""


def dump(stored: Mapping[str, Sequence[tuple[str, Any]]], exported_at: str) -> str:
    """The export file's text for ``stored`` (collection → its (key, value) pairs)."""
    collections = {name: {key: value for key, value in stored.get(name, ()) if (name, key) not in DEVICE_KEYS}
                   for name in COLLECTIONS}
    document = {"app": APP, "kind": KIND, "version": FORMAT_VERSION, "schema": SCHEMA_VERSION,
                "exported_at": exported_at, "collections": collections}
    return json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def _is_day(value: object) -> bool:
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _progress(key: str, value: Any) -> None:
    Mark.from_record(value if isinstance(value, Mapping) else {})


def _notes(key: str, value: Any) -> None:
    Note.from_record(value)


def _conversations(key: str, value: Any) -> None:
    if not isinstance(value, list):
        raise ValueError("a conversation must be a list of exchanges")
    for record in value:
        if not isinstance(record, Mapping):
            raise ValueError("an exchange must be an object")
        from_record(record)


def _meta(key: str, value: Any) -> None:
    if key == "study_days" and not (isinstance(value, list) and all(_is_day(d) for d in value)):
        raise ValueError("study_days must be a list of dates like 2026-12-02")
    if key == QUIZ_KEY:
        read_quiz(value)


# What each collection's values must be, beyond valid JSON within the store's limits.
# Collections without an entry (cards, quiz results, roadmaps) are checked by those
# rules alone; their owners may add theirs here.
VALIDATORS: dict[str, Callable[[str, Any], None]] = {
    "progress": _progress, "notes": _notes, "conversations": _conversations, "meta": _meta,
}


def _header(document: Any) -> tuple[int, Mapping[str, Any]]:
    """The file's store schema and its collections; raise BackupError."""
    if not isinstance(document, dict) or document.get("app") != APP or document.get("kind") != KIND:
        raise BackupError('this is not a Tropa data file (it should start with "app": "tropa", '
                          '"kind": "learner-data")')
    version, schema = document.get("version"), document.get("schema")
    for name, number in (("version", version), ("schema", schema)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise BackupError(f'the file\'s "{name}" must be a whole number from 1, not {number!r:.40}')
    version, schema = int(str(version)), int(str(schema))
    if version > FORMAT_VERSION or schema > SCHEMA_VERSION:
        raise BackupError(f"this file was made by a newer version of Tropa (file format {version}, data "
                          f"version {schema}; this app reads up to {FORMAT_VERSION} and {SCHEMA_VERSION}). "
                          "Reload the page to update the app, then import the file again")
    collections = document.get("collections")
    if not isinstance(collections, dict):
        raise BackupError('the file has no "collections" object')
    unknown = sorted(set(collections) - set(COLLECTIONS))
    if unknown:
        raise BackupError(f"the file holds unknown collections ({', '.join(map(repr, unknown))}); "
                          f"a Tropa data file holds: {', '.join(COLLECTIONS)}")
    return schema, collections


def parse(text: str) -> list[tuple[str, str, Any]]:
    """Every (collection, key, value) the file holds, checked and upgraded to this app's
    schema; raise BackupError naming what is wrong (then nothing may be written)."""
    if len(text) > MAX_FILE_CHARS:
        raise BackupError(f"the file is {len(text):,} characters long; a Tropa data file is at most "
                          f"{MAX_FILE_CHARS:,}")
    try:
        document = json.loads(text)
    except ValueError as error:
        where = (f" (line {error.lineno}, column {error.colno})"
                 if isinstance(error, json.JSONDecodeError) else "")
        raise BackupError(f"the file is not valid JSON{where}: it may be damaged or not a Tropa "
                          "file") from None
    schema, collections = _header(document)
    writes: list[tuple[str, str, Any]] = []
    problems: list[str] = []
    for name in COLLECTIONS:
        entries = collections.get(name, {})
        if not isinstance(entries, dict):
            problems.append(f"{name}: must be an object of entries, not {type(entries).__name__}")
            continue
        for key, raw in entries.items():
            if (name, key) in DEVICE_KEYS:
                continue
            try:
                # Wrapped as the store keeps it, so the store's own migrations upgrade it.
                value, _ = decode(name, key, json.dumps({"v": schema, "value": raw}))
                encode(name, key, value)
                validate = VALIDATORS.get(name)
                if validate is not None:
                    validate(key, value)
            except (StoreError, ValueError, TypeError) as error:
                problems.append(f"{name} {key!r:.60}: {error}")
                continue
            writes.append((name, key, value))
    if problems:
        more = len(problems) - SHOWN_PROBLEMS
        listed = "; ".join(problems[:SHOWN_PROBLEMS]) + (f"; and {more} more" if more > 0 else "")
        count = f"{len(problems)} entr{'y is' if len(problems) == 1 else 'ies are'}"
        raise BackupError(f"{count} malformed: {listed}")
    if not writes:
        raise BackupError("the file holds no entries to import")
    return writes
