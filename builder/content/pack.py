"""Course packs: a folder in the content layout, checked and compiled like content/.

The build's rules run here unchanged (``read_files`` of ``builder.content.tree``); the
browser imports this module too (the site ships ``builder/content`` as a bundle, and
markdown-it-py as a wheel), so a pack added by URL gets the same ``path:line`` problems
an author gets from ``python -m builder.content --pack DIR``, which writes the index.

>>> compiled = compile_pack(files, "en")          # doctest: +SKIP
>>> compiled.library["roadmaps"][0]["id"]         # doctest: +SKIP
'kitchen'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.content.library import library_dict, passages_of
from builder.content.problems import ContentError, Problem
from builder.content.tree import read_files
from contracts import library as library_format
from contracts.pack import INDEX_FILE, PackFile, PackIndex, PackIndexError, check_index

__all__ = ["CompiledPack", "ContentError", "compile_pack", "index_of", "read_folder", "write_index"]


@dataclass(frozen=True)
class CompiledPack:
    """A pack's roadmaps and topics (the ``library.json`` shape, less retrieval) and its
    passage rows (``contracts.library.passage_row``), each with the text to embed."""

    library: dict[str, Any]
    passages: list[dict[str, str]]
    texts: list[str]
    # Roadmap and topic id → "path:line" of its id, to name it in a later problem.
    where: dict[str, str]
    # A roadmap.sh roadmap's conversion: what was dropped or approximated.
    differences: list[str] = field(default_factory=list)


def compile_pack(files: Mapping[str, bytes], language: str, layout: str = "tropa") -> CompiledPack:
    """Check and render ``files`` (path in the pack → bytes); raise ContentError with
    every problem, as the build does. ``layout`` "roadmap.sh": the files are converted
    first (``builder.content.roadmapsh``); problems then name the converted files."""
    differences: list[str] = []
    if layout == "roadmap.sh":
        # Imported here: only a roadmap.sh pack needs the converter.
        from builder.content.roadmapsh import convert

        sources = {path: _text(path, data) for path, data in files.items()}
        conversion = convert(sources)
        files = {path: text.encode("utf-8") for path, text in conversion.files.items()}
        differences = conversion.differences
    bundles = read_files(files, "", source_language=language)
    passages = passages_of(bundles)
    rows = [library_format.passage_row(p.topic, p.lang, p.roadmap, p.title, p.text) for p in passages]
    # The text each passage is embedded as, as builder.content.library.write_library does.
    texts = [f"{p.title}: {p.text}" for p in passages]
    where = {b.roadmap.id: f"{b.roadmap.path}:{b.roadmap.id_line}" for b in bundles}
    where |= {t.id: f"{t.path}:{t.id_line}" for b in bundles for t in b.topics.values()}
    return CompiledPack(library_dict(bundles), rows, texts, where, differences)


def _text(path: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContentError([Problem(path, 1, f"not UTF-8 text ({error.reason})")]) from None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_of(folder: Path, title: str, language: str, layout: str = "tropa") -> PackIndex:
    """The index of the pack in ``folder``: every ``<lang>/<roadmap>/*.md`` file (for
    roadmap.sh's layout: the roadmap's JSON, page and content files), sorted."""
    files = []
    globs = ("*/*/*.md",) if layout == "tropa" else ("*/*.json", "*/*.md", "*/content/*.md",
                                                      "*/content/*/*.md")
    for path in sorted({p for pattern in globs for p in folder.glob(pattern)}):
        data = path.read_bytes()
        files.append({"path": path.relative_to(folder).as_posix(), "sha256": sha256_hex(data),
                      "bytes": len(data)})
    try:
        return check_index({"format": 1, "title": title, "language": language, "layout": layout,
                            "files": files})
    except PackIndexError as error:
        raise ContentError([Problem(f"{folder.name}/{INDEX_FILE}", 1, str(error))]) from None


def write_index(folder: Path, title: str, language: str, layout: str = "tropa") -> PackIndex:
    """Check the pack in ``folder`` with the build's rules, then write its index there;
    raise ContentError (nothing written) when a file breaks a rule."""
    index = index_of(folder, title, language, layout)
    compile_pack(read_folder(folder, index.files), language, layout)
    (folder / INDEX_FILE).write_text(json.dumps(index.as_json(), ensure_ascii=False, indent=1) + "\n",
                                     encoding="utf-8")
    return index


def read_folder(folder: Path, files: tuple[PackFile, ...]) -> dict[str, bytes]:
    return {f.path: (folder / f.path).read_bytes() for f in files}
