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
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.backup_words import say
from app.core.errors import TropaError
from app.core.learner.notes import MAX_NOTE_CHARS, Note
from app.core.learner.progress import STATUSES, Mark
from app.core.learner.resume import KEY as QUIZ_KEY
from app.core.learner.resume import SavedQuizError
from app.core.learner.resume import read as read_quiz
from app.core.learner.store import (
    COLLECTIONS,
    MAX_KEY_LENGTH,
    MAX_VALUE_BYTES,
    SCHEMA_VERSION,
    StoreError,
    decode,
    encode,
)
from app.core.tutor.conversation import from_record
from contracts.values import check_json

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


def shown(value: object, width: int = 40) -> str:
    """A key or name as Python writes it (``'python.loops'``), cut to ``width`` characters."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 2] + "…" + text[-1]


def as_json(value: object, width: int = 40) -> str:
    """A value as the file has it (JSON: ``null``, ``"now"``, ``5``), cut to ``width``."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: a template code of ``app.core.backup_words`` and its
    values (a value that is a Problem is said in the same language)."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        return say(lang, self.code, {name: value.text(lang) if isinstance(value, Problem) else value
                                     for name, value in self.params.items()})


class Invalid(ValueError):
    """A value a validator refuses, as a Problem (so it can be said in the learner's
    language); a validator may raise a plain ValueError too (said as it is)."""

    def __init__(self, code: str, **params: object) -> None:
        self.problem = Problem(code, params)
        super().__init__(self.problem.text())


class BackupError(TropaError):
    """The file cannot be imported; nothing was written. ``str`` says why in English,
    ``text(lang)`` in the learner's language: the ``problem`` with the file as a whole,
    or (``malformed``) the first SHOWN_PROBLEMS ``entries`` and how many more."""

    def __init__(self, problem: Problem, entries: Sequence[Problem] = ()) -> None:
        self.problem = problem
        self.entries = tuple(entries)
        super().__init__(self.text("en"))

    def text(self, lang: str = "en") -> str:
        if not self.entries:
            return self.problem.text(lang)
        more = len(self.entries) - SHOWN_PROBLEMS
        listed = "; ".join(entry.text(lang) for entry in self.entries[:SHOWN_PROBLEMS])
        if more > 0:
            listed += say(lang, "and_more", {"n": more})
        return say(lang, self.problem.code, {**self.problem.params, "listed": listed})


def _progress(key: str, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise Invalid("progress_object")
    if value.get("status") not in STATUSES:
        raise Invalid("progress_status", allowed=", ".join(f'"{s}"' for s in STATUSES),
                      value=as_json(value.get("status")))
    at = value.get("at")
    if not isinstance(at, int) or isinstance(at, bool):
        raise Invalid("progress_at", value=as_json(at))
    Mark.from_record(value)


def _notes(key: str, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise Invalid("note_object")
    text, at = value.get("text"), value.get("at")
    if not isinstance(text, str):
        raise Invalid("note_text", value=as_json(text))
    if not isinstance(at, int) or isinstance(at, bool):
        raise Invalid("note_at", value=as_json(at))
    if len(text) > MAX_NOTE_CHARS:
        raise Invalid("note_long", n=f"{len(text):,}", limit=f"{MAX_NOTE_CHARS:,}")
    Note.from_record(value)


_MISSING_FIELD = re.compile(r"^a saved exchange is malformed: '(?P<field>\w+)'$")
_BAD_STATUS = re.compile(r"^a saved exchange is malformed: status (?P<status>.+) / intent (?P<intent>.+)$")


def _conversations(key: str, value: Any) -> None:
    if not isinstance(value, list):
        raise Invalid("conversation_list")
    for number, record in enumerate(value, 1):
        if not isinstance(record, Mapping):
            raise Invalid("exchange_object", n=number)
        try:
            from_record(record)
        except ValueError as error:
            status = _BAD_STATUS.match(str(error))
            if status:
                raise Invalid("exchange_status", n=number, status=status["status"],
                              intent=status["intent"]) from None
            missing = _MISSING_FIELD.match(str(error))
            field_name = missing["field"] if missing else _wrong_field(record)
            raise Invalid("exchange_field", n=number, field=field_name) from None


def _wrong_field(record: Mapping[str, Any]) -> str:
    """The first field of a saved exchange whose value has the wrong shape."""
    shapes: dict[str, type | tuple[type, ...]] = {
        "question": str, "lang": str, "text": str, "error": str, "hits": list, "answer": (dict, type(None))}
    for name, shape in shapes.items():
        if not isinstance(record.get(name), shape):
            return name
    answer = record.get("answer")
    return "answer" if isinstance(answer, dict) else "hits"


def _meta(key: str, value: Any) -> None:
    if key == "study_days" and not (isinstance(value, list) and all(_is_day(d) for d in value)):
        raise Invalid("study_days")
    if key == QUIZ_KEY:
        try:
            read_quiz(value)
        except SavedQuizError as error:
            raise Invalid("quiz", field=error.field) from None


# What each collection's values must be, beyond valid JSON within the store's limits.
# Collections without an entry (cards, quiz results, roadmaps) are checked by those
# rules alone; their owners may add theirs here (raising Invalid, or ValueError).
VALIDATORS: dict[str, Callable[[str, Any], None]] = {
    "progress": _progress, "notes": _notes, "conversations": _conversations, "meta": _meta,
}

# What contracts.values.check_json says, as problems (its messages are English only).
_JSON_SIZE = re.compile(r" is (?P<size>\d+) bytes as JSON; the limit is (?P<limit>\d+)$")
_JSON_DEPTH = re.compile(r" is nested deeper than (?P<limit>\d+) levels$")
_JSON_NUMBER = re.compile(r"non-finite number|integer beyond")
_JSON_TEXT = re.compile(r"unpaired surrogate character|control character \((?P<what>U\+[0-9A-F]{4})\)")


def value_problem(message: str) -> Problem:
    """The Problem of a value ``check_json`` refused with ``message``."""
    if found := _JSON_SIZE.search(message):
        return Problem("json_size", {"size": found["size"], "limit": found["limit"]})
    if found := _JSON_DEPTH.search(message):
        return Problem("json_depth", {"limit": found["limit"]})
    if _JSON_NUMBER.search(message):
        return Problem("json_number")
    if found := _JSON_TEXT.search(message):
        return Problem("json_text", {"what": found["what"] or "UTF-16"})
    return Problem("json_other", {"detail": message})


def _entry(name: str, key: str, raw: Any, schema: int) -> Any:
    """The entry's value at this app's schema; raise Invalid naming what is wrong."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise Invalid("key_length", collection=name, limit=MAX_KEY_LENGTH, key=shown(key))
    try:
        # Wrapped as the store keeps it, so the store's own migrations upgrade it.
        value, _ = decode(name, key, json.dumps({"v": schema, "value": raw}))
        check_json(value, MAX_VALUE_BYTES, "value")
    except (StoreError, ValueError) as error:
        problem = value_problem(str(error))
        raise Invalid(problem.code, **problem.params) from None
    encode(name, key, value)
    validate = VALIDATORS.get(name)
    if validate is not None:
        validate(key, value)
    return value


def _header(document: Any) -> tuple[int, Mapping[str, Any]]:
    """The file's store schema and its collections; raise BackupError."""
    if not isinstance(document, dict) or document.get("app") != APP or document.get("kind") != KIND:
        raise BackupError(Problem("not_tropa"))
    version, schema = document.get("version"), document.get("schema")
    for name, number in (("version", version), ("schema", schema)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise BackupError(Problem("bad_number", {"name": name, "value": as_json(number)}))
    version, schema = int(str(version)), int(str(schema))
    if version > FORMAT_VERSION or schema > SCHEMA_VERSION:
        raise BackupError(Problem("newer", {"version": version, "schema": schema,
                                            "max_version": FORMAT_VERSION, "max_schema": SCHEMA_VERSION}))
    collections = document.get("collections")
    if not isinstance(collections, dict):
        raise BackupError(Problem("no_collections"))
    unknown = sorted(set(collections) - set(COLLECTIONS))
    if unknown:
        raise BackupError(Problem("unknown_collections", {"names": ", ".join(map(repr, unknown)),
                                                          "known": ", ".join(COLLECTIONS)}))
    return schema, collections


def parse(text: str) -> list[tuple[str, str, Any]]:
    """Every (collection, key, value) the file holds, checked and upgraded to this app's
    schema; raise BackupError naming what is wrong (then nothing may be written)."""
    if len(text) > MAX_FILE_CHARS:
        raise BackupError(Problem("too_long", {"n": f"{len(text):,}", "limit": f"{MAX_FILE_CHARS:,}"}))
    try:
        document = json.loads(text)
    except ValueError as error:
        where = (Problem("not_json_where", {"line": error.lineno, "column": error.colno})
                 if isinstance(error, json.JSONDecodeError) else "")
        raise BackupError(Problem("not_json", {"where": where})) from None
    schema, collections = _header(document)
    writes: list[tuple[str, str, Any]] = []
    problems: list[Problem] = []
    for name in COLLECTIONS:
        entries = collections.get(name, {})
        if not isinstance(entries, dict):
            problems.append(Problem("not_entries", {"collection": name, "value": as_json(entries)}))
            continue
        for key, raw in entries.items():
            if (name, key) in DEVICE_KEYS:
                continue
            try:
                value = _entry(name, key, raw, schema)
            except (StoreError, ValueError, TypeError) as error:
                reason = error.problem if isinstance(error, Invalid) else Problem("json_other",
                                                                                  {"detail": str(error)})
                where = Problem("where", {"collection": name, "key": shown(key, 60)})
                problems.append(Problem("entry", {"where": where, "reason": reason}))
                continue
            writes.append((name, key, value))
    if problems:
        code = "malformed_one" if len(problems) == 1 else "malformed_many"
        raise BackupError(Problem(code, {"n": len(problems)}), problems)
    if not writes:
        raise BackupError(Problem("no_entries"))
    return writes
