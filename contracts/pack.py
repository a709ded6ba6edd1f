"""A course pack's index: the one file that lists what a pack holds.

A pack is a folder in the content layout (``<lang>/<roadmap>/roadmap.md`` and topic
files beside it) served by any static host or a public git repository. Static hosts
cannot list a folder, so the pack carries ``tropa-pack.json`` at its root, written by
``python -m builder.content --pack DIR``::

    {"format": 1, "title": "Kitchen basics", "language": "en",
     "files": [{"path": "en/kitchen/roadmap.md", "sha256": "…", "bytes": 412}, …]}

``language`` is the pack's source language (its other languages translate it);
``sha256`` lets the app fetch and re-embed only the files that changed on an update.
``"layout": "roadmap.sh"`` (optional; ``"tropa"`` when absent) says the files are one
roadmap in roadmap.sh's public layout (``<slug>/<slug>.json``, ``<slug>/<slug>.md``,
``<slug>/content/*.md``), converted by ``builder.content.roadmapsh`` before the checks.
The builder writes it and the browser reads it: both go through ``check_index``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.languages import LANGUAGES

INDEX_FILE = "tropa-pack.json"
FORMAT = 1
MAX_FILES = 400
MAX_FILE_BYTES = 256 * 1024
MAX_PACK_BYTES = 8 * 1024 * 1024
MAX_TITLE = 120
# Only the content layout's Markdown files: no "..", no absolute path, no query.
_PATH = re.compile(r"^[a-z]{2}/[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*\.md$")
# roadmap.sh's own names: its topic files are "<label-slug>@<nodeId>.md", some in a folder.
_ROADMAPSH_PATH = re.compile(r"^[a-z0-9][a-z0-9-]*/(?:[a-z0-9][a-z0-9-]*\.(?:json|md)|content/"
                             r"(?:[A-Za-z0-9][A-Za-z0-9@_-]*/)?[A-Za-z0-9][A-Za-z0-9@_.-]*\.md)$")
LAYOUTS = ("tropa", "roadmap.sh")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PackIndexError(ValueError):
    """The index does not follow this format; the message names the field, ``line`` is
    the index file's line (1 when the problem is not on one line)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class PackFile:
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class PackIndex:
    title: str
    language: str
    files: tuple[PackFile, ...]
    layout: str = "tropa"

    def as_json(self) -> dict[str, Any]:
        layout = {} if self.layout == "tropa" else {"layout": self.layout}
        return {"format": FORMAT, "title": self.title, "language": self.language, **layout,
                "files": [{"path": f.path, "sha256": f.sha256, "bytes": f.bytes} for f in self.files]}


def parse_index(text: str) -> PackIndex:
    """Read the index file's text; raise PackIndexError naming the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackIndexError(f"not JSON ({error.msg})", error.lineno) from None
    return check_index(data)


def _field(data: Mapping[str, Any], name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise PackIndexError(f"{where}: field {name!r} must be {kind.__name__}, got {value!r:.60}")
    return value


def check_index(data: object) -> PackIndex:
    """The index ``data`` stands for; raise PackIndexError naming the first problem."""
    if not isinstance(data, Mapping):
        raise PackIndexError(f"the index must be an object, got {type(data).__name__}")
    if data.get("format") != FORMAT:
        raise PackIndexError(f"index format {data.get('format')!r} is not supported; expected {FORMAT}")
    title = _field(data, "title", str, "index").strip()
    if not 1 <= len(title) <= MAX_TITLE:
        raise PackIndexError(f"index: 'title' must be 1 to {MAX_TITLE} characters")
    language = _field(data, "language", str, "index")
    if language not in LANGUAGES:
        raise PackIndexError(f"index: unknown language {language!r}; should be one of: "
                             + ", ".join(LANGUAGES))
    layout = data.get("layout", "tropa")
    if layout not in LAYOUTS:
        raise PackIndexError(f"index: unknown layout {layout!r:.40}; should be one of: " + ", ".join(LAYOUTS))
    pattern, shape = ((_PATH, "'<lang>/<roadmap>/<slug>.md'") if layout == "tropa" else
                      (_ROADMAPSH_PATH, "roadmap.sh's '<slug>/<slug>.json', '<slug>/content/<name>.md'"))
    rows = _field(data, "files", list, "index")
    if not 1 <= len(rows) <= MAX_FILES:
        raise PackIndexError(f"index: 'files' must list 1 to {MAX_FILES} files, got {len(rows)}")
    files: list[PackFile] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        where = f"index file {number}"
        if not isinstance(row, Mapping):
            raise PackIndexError(f"{where} must be an object")
        path = _field(row, "path", str, where)
        if not pattern.match(path) or ".." in path:
            raise PackIndexError(f"{where}: path {path!r:.80} is not {shape} "
                                 "of letters, digits and '-'")
        if path in seen:
            raise PackIndexError(f"{where}: {path} is listed twice")
        seen.add(path)
        digest = _field(row, "sha256", str, where)
        if not _SHA256.match(digest):
            raise PackIndexError(f"{where}: sha256 of {path} must be 64 lowercase hex digits")
        size = _field(row, "bytes", int, where)
        if not 0 < size <= MAX_FILE_BYTES:
            raise PackIndexError(f"{where}: {path} is {size} bytes; a file may have 1 to {MAX_FILE_BYTES}")
        files.append(PackFile(path, digest, size))
    total = sum(f.bytes for f in files)
    if total > MAX_PACK_BYTES:
        raise PackIndexError(f"index: the files add up to {total} bytes; a pack may have {MAX_PACK_BYTES}")
    return PackIndex(title, language, tuple(files), layout)
