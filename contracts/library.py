"""The compiled course library the browser reads, as the content compiler writes it.

``library.json`` (fixed name, revalidated on every load) holds ``format``, the roadmaps
and topics, and a ``retrieval`` section pointing at two content-hashed files: the
passages (a JSON array of ``PASSAGE_FIELDS`` rows) and their vectors (float32,
little-endian, one L2-normalised row of ``dim`` values per passage, in the passages'
order, embedded with the ``passage_prefix``). A question is embedded with the same
model and the ``query_prefix``.

``renames`` (optional; none when absent) maps a topic id that no longer exists to the
topic that took it over (renamed, moved to another trail, or merged into it): the app
moves what a learner stored under the old id to the new one. No old id is a current
topic id and none is itself renamed, so one look-up is enough.

**Premium trails** (``premium: true`` in a roadmap's front matter) are public in outline
only: library.json gives the roadmap ``premium: true`` with its sections, and each of its
topics ``premium: true`` with title, level, prerequisites and word count, but ``html``
empty and no resources; their passages are not in the retrieval files. The bodies go to
``PREMIUM_FILE``, written *outside* the public site, which the server reads and hands to
Pro learners (``/api/content/premium/<roadmap>``, rows of ``PREMIUM_TOPIC_FIELDS``).

Written by ``builder.content.library``; read by ``app.core.library.catalog`` and the tutor.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

FORMAT = 2

# One passage row: which topic (id, language, roadmap, title) and the passage's text.
PASSAGE_FIELDS: dict[str, type] = {"topic": str, "lang": str, "roadmap": str, "title": str, "text": str}

RETRIEVAL_FIELDS: dict[str, type] = {
    "passages": str,  # URL of passages.<hash>.json
    "vectors": str,  # URL of vectors.<hash>.f32
    "vectors_sha256": str,  # of the vectors file, checked by the worker
    "count": int,  # passages, and rows of vectors
    "dim": int,  # values per vector
    "model": str,  # the embedder's manifest id
    "dtype": str,  # the embedder's dtype the passages were embedded with
    "passage_prefix": str,  # put before each passage when embedding it
    "query_prefix": str,  # put before a question when embedding it
}
# May be absent (a library compiled before them, or a pack): the reader then does without.
OPTIONAL_RETRIEVAL_FIELDS: dict[str, type] = {
    "lexicon": str,  # URL of lexicon.<hash>.json, app.core.tutor.lexical.build_index's output
}


PREMIUM_FORMAT = 1
PREMIUM_FILE = "premium.json"  # {"format": PREMIUM_FORMAT, "topics": [premium topic rows]}
# One premium topic's body: which topic (id, language, roadmap), its HTML and resources.
PREMIUM_TOPIC_FIELDS: dict[str, type] = {"id": str, "lang": str, "roadmap": str, "html": str,
                                         "resources": list}


class LibraryFormatError(ValueError):
    """Compiled library data does not follow this format; the message says where."""


def _mapping(obj: object, where: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise LibraryFormatError(f"{where} must be an object, got {type(obj).__name__}")
    return obj


def _check(fields: Mapping[str, type], obj: object, where: str) -> None:
    obj = _mapping(obj, where)
    for name, kind in fields.items():
        value = obj.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise LibraryFormatError(f"{where}: field {name!r} must be {kind.__name__}, got {value!r:.60}")


def check_format(data: Mapping[str, Any]) -> None:
    """Raise LibraryFormatError unless ``data`` is a library of this ``FORMAT``."""
    if data.get("format") != FORMAT:
        raise LibraryFormatError(f"library format {data.get('format')!r} is not supported; expected {FORMAT}")


def check_retrieval(section: object) -> dict[str, Any]:
    """Return the retrieval section as a dict; raise LibraryFormatError naming a bad field."""
    _check(RETRIEVAL_FIELDS, section, "library retrieval")
    fields = _mapping(section, "library retrieval")
    optional = {name: kind for name, kind in OPTIONAL_RETRIEVAL_FIELDS.items() if name in fields}
    _check(optional, section, "library retrieval")
    return {name: fields[name] for name in (*RETRIEVAL_FIELDS, *optional)}


_TOPIC_ID = re.compile(r"^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*$")


def check_renames(renames: object, topic_ids: Collection[str] = ()) -> dict[str, str]:
    """Return ``renames`` as a dict (old id → current id); raise LibraryFormatError when
    it is not a map of topic ids, chains one rename into another, or (given the
    library's ``topic_ids``) renames a current topic or leads to none."""
    found = dict(_mapping(renames, "library renames"))
    current = set(topic_ids)
    for old, new in found.items():
        for value in (old, new):
            if not isinstance(value, str) or not _TOPIC_ID.match(value):
                raise LibraryFormatError(f"library renames: {value!r:.60} is not a topic id")
        if new in found:
            raise LibraryFormatError(f"library renames: {old!r} leads to {new!r}, which is renamed "
                                     "again; give the final id")
        if current and old in current:
            raise LibraryFormatError(f"library renames: {old!r} is a current topic; it cannot be renamed")
        if current and new not in current:
            raise LibraryFormatError(f"library renames: {old!r} leads to {new!r}, which is no topic")
    return found


def passage_row(topic: str, lang: str, roadmap: str, title: str, text: str) -> dict[str, str]:
    """One row of the passages file."""
    return {"topic": topic, "lang": lang, "roadmap": roadmap, "title": title, "text": text}


def check_passages(rows: object, count: int) -> Sequence[Mapping[str, str]]:
    """Return ``rows`` if it is ``count`` passage rows; raise LibraryFormatError."""
    if not isinstance(rows, list):
        raise LibraryFormatError(f"passages must be a list, got {type(rows).__name__}")
    if len(rows) != count:
        raise LibraryFormatError(f"passages file has {len(rows)} rows; the library says {count}")
    for index, row in enumerate(rows):
        _check(PASSAGE_FIELDS, row, f"passage {index}")
    return rows


def premium_topic(topic: str, lang: str, roadmap: str, html: str,
                  resources: list[dict[str, str]]) -> dict[str, Any]:
    """One row of the premium file (and of the server's premium answer)."""
    return {"id": topic, "lang": lang, "roadmap": roadmap, "html": html, "resources": resources}


def check_premium_topics(rows: object) -> list[Mapping[str, Any]]:
    """Return ``rows`` if it is a list of premium topic rows whose resources have
    ``type``, ``title`` and ``url`` text; raise LibraryFormatError naming a bad one."""
    if not isinstance(rows, list):
        raise LibraryFormatError(f"premium topics must be a list, got {type(rows).__name__}")
    for index, row in enumerate(rows):
        _check(PREMIUM_TOPIC_FIELDS, row, f"premium topic {index}")
        for resource in row["resources"]:
            _check({"type": str, "title": str, "url": str}, resource, f"premium topic {index} resource")
    return rows


def check_premium(data: object) -> list[Mapping[str, Any]]:
    """The topic rows of a premium file; raise LibraryFormatError unless ``data`` is one
    of ``PREMIUM_FORMAT``."""
    fields = _mapping(data, "premium file")
    if fields.get("format") != PREMIUM_FORMAT:
        raise LibraryFormatError(f"premium file format {fields.get('format')!r} is not supported; "
                                 f"expected {PREMIUM_FORMAT}")
    return check_premium_topics(fields.get("topics"))
