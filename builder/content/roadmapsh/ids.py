"""Keeping topic ids across imports of the same roadmap.sh roadmap.

A converted topic's id comes from its label, and a learner's progress is stored under
that id. When roadmap.sh renames a node, a fresh conversion would give the topic a new
id; ``keep_ids`` gives it back the id of the earlier import, found by the node id that
``origin:`` records.

>>> conversion = keep_ids(convert(files), earlier_files)   # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from builder.content.roadmapsh import Conversion

_ORIGIN = re.compile(r"^origin:\s*(\S+)\s*$", re.M)
_ITEM = re.compile(r"^- ([a-z0-9][a-z0-9-]*)(?:\s*<-\s*(.+))?$")


def _origins(files: Mapping[str, str]) -> dict[str, str]:
    """Topic slug → its ``origin:`` value, for the topic files among ``files``."""
    found: dict[str, str] = {}
    for path, text in files.items():
        head, _, name = path.rpartition("/")
        match = _ORIGIN.search(text.split("\n---", 1)[0])
        if head.count("/") == 1 and name.endswith(".md") and name != "roadmap.md" and match:
            found[name[:-3]] = match.group(1)
    return found


def keep_ids(conversion: Conversion, earlier: Mapping[str, str]) -> Conversion:
    """``conversion`` with each topic named as in ``earlier`` (our files of an earlier
    import of the same roadmap) when the same roadmap.sh node was named otherwise; a
    name another topic now holds is not taken back. Each change is noted."""
    then = {origin: slug for slug, origin in _origins(earlier).items()}
    now = _origins(conversion.files)
    renames: dict[str, str] = {}
    notes: list[str] = []
    for slug, origin in now.items():
        old = then.get(origin)
        if old is None or old == slug:
            continue
        if old in now and now[old] != origin:
            notes.append(f"topic {slug!r} cannot keep its earlier name {old!r}: another topic has it")
            continue
        renames[slug] = old
        notes.append(f"topic {slug!r} keeps its earlier name and id {old!r} (same roadmap.sh node)")
    if not renames:
        return replace(conversion, differences=[*conversion.differences, *notes])
    files: dict[str, str] = {}
    for path, text in conversion.files.items():
        head, _, name = path.rpartition("/")
        roadmap = head.rsplit("/", 1)[-1]
        if name == "roadmap.md":
            files[path] = "\n".join(_renamed_item(line, renames) for line in text.split("\n"))
            continue
        slug = name[:-3]
        new = renames.get(slug, slug)
        files[f"{head}/{new}.md"] = text.replace(f"\nid: {roadmap}.{slug}\n", f"\nid: {roadmap}.{new}\n", 1)
    return replace(conversion, files=files, differences=[*conversion.differences, *notes])


def _renamed_item(line: str, renames: dict[str, str]) -> str:
    match = _ITEM.match(line)
    if match is None:
        return line
    slug, after = match.groups()
    requires = [renames.get(part.strip(), part.strip()) for part in (after or "").split(",") if part.strip()]
    return f"- {renames.get(slug, slug)}" + (f" <- {', '.join(requires)}" if requires else "")
