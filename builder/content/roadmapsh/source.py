"""Reading a roadmap in roadmap.sh's public layout (kamranahmedse/developer-roadmap).

One roadmap is a folder ``<slug>/`` (``src/data/roadmaps/<slug>/`` in that repository):

- ``<slug>.json``: the drawing, ``{"nodes": [...], "edges": [...]}`` as React Flow
  keeps it. A node has an ``id``, a ``type`` (``topic``, ``subtopic`` or a layout type:
  ``title``, ``paragraph``, ``section``, ``vertical`` ...), ``data.label`` and a
  ``position``; an edge joins a ``source`` node to a ``target`` node.
- ``<slug>.md``: front matter about the page (``title``, ``briefTitle``,
  ``description`` ...).
- ``content/<label-slug>@<nodeId>.md``: one topic's text, joined to its node by the id.

Malformed input (not JSON, no ``nodes``, a topic without a label ...) raises
ContentError with ``path:line``; what is only left out is noted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from builder.content.problems import ContentError, Problem
from builder.content.roadmapsh.graph import Node
from builder.content.roadmapsh.topic import clean_text, one_line

CONTENT_TYPES = ("topic", "subtopic")
# Node types we have no equivalent for, and what they are on a roadmap.sh page.
LAYOUT_TYPES = {
    "title": "the title drawn on the page",
    "paragraph": "text boxes",
    "label": "labels over groups of topics",
    "button": "buttons linking to other pages",
    "linksgroup": "lists of links",
    "todo": "checklist items",
    "checklist": "checklists",
    "legend": "the legend",
    "section": "boxes drawn around topics",
    "vertical": "lines",
    "horizontal": "lines",
}
# Types whose labels are worth naming in a note (the rest are drawing).
_NAMED_TYPES = ("paragraph", "label", "button", "linksgroup", "todo", "checklist")
META_KEYS = ("title", "briefTitle", "description", "briefDescription")
_TOPIC_FILE = re.compile(r"^(.*)@([A-Za-z0-9_-]+)\.md$")
_META_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):\s*(.*?)\s*$")


@dataclass
class Source:
    """A roadmap.sh roadmap, read: its topic nodes, the edges between them, the page's
    front matter (top-level keys), each node's Markdown (path, text), and notes."""

    slug: str
    json_path: str
    nodes: list[Node]
    edges: list[tuple[str, str]]
    meta: dict[str, str] = field(default_factory=dict)
    title_label: str = ""  # the first 'title' node's label
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def listing(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def find_roadmap(files: Mapping[str, str]) -> str:
    """The path of the roadmap JSON: ``<slug>/<slug>.json``, or a lone ``.json`` beside
    its ``<slug>.md`` when the paths start inside the roadmap's folder."""
    candidates = sorted(p for p in files if p.endswith(".json") and "content/" not in p)
    named = [p for p in candidates if p.count("/") and p.rsplit("/", 2)[-2] == _stem(p)]
    if not named:
        named = [p for p in candidates if "/" not in p and f"{_stem(p)}.md" in files]
    if len(named) == 1:
        return named[0]
    if not named:
        raise ContentError([Problem(min(files, default="."), 1, "no roadmap.sh roadmap here: "
                                    "expected '<slug>/<slug>.json' beside '<slug>/content/'")])
    raise ContentError([Problem(named[1], 1, f"more than one roadmap.sh roadmap: {listing(named)}; "
                                "convert them one at a time")])


def read_source(files: Mapping[str, str]) -> Source:
    """Read the roadmap in ``files`` (path → text); raise ContentError on malformed input."""
    json_path = find_roadmap(files)
    slug = _stem(json_path)
    folder = json_path[: -len(f"{slug}.json")]
    problems: list[Problem] = []
    text, data = _load_drawing(json_path, files[json_path])
    source = Source(slug, json_path, [], [])
    types = _read_nodes(json_path, text, data["nodes"], source, problems)
    _read_edges(json_path, text, data.get("edges", []), types, source, problems)
    meta_path = f"{folder}{slug}.md"
    if meta_path in files:
        source.meta = _read_meta(meta_path, files[meta_path], source.notes, problems)
    else:
        source.notes.append(f"no {meta_path}: the title comes from the drawing")
    if problems:
        raise ContentError(problems)
    _match_texts(files, folder, types, source)
    return source


def topic_files(json_path: str, drawing: str) -> list[str]:
    """The topic files roadmap.sh names for the topics of the drawing at ``json_path``
    (``<folder>/content/<label-slug>@<nodeId>.md``): what to fetch from a host that
    cannot list a folder. Raise ContentError as ``convert`` does for a bad drawing."""
    slug = _stem(json_path)
    folder = json_path[: -len(f"{slug}.json")]
    text, data = _load_drawing(json_path, drawing)
    source = Source(slug, json_path, [], [])
    problems: list[Problem] = []
    _read_nodes(json_path, text, data["nodes"], source, problems)
    if problems:
        raise ContentError(problems)
    return [f"{folder}content/{their_slug(node.label)}@{node.id}.md" for node in source.nodes]


def _load_drawing(json_path: str, raw: str) -> tuple[str, dict[str, Any]]:
    """The drawing's text (less a byte-order mark) and its JSON object."""
    text = raw.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ContentError([Problem(json_path, error.lineno, f"not JSON: {error.msg} "
                                    f"(column {error.colno})")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), list):
        raise ContentError([Problem(json_path, _line(text, r'"nodes"\s*:'), "the roadmap JSON "
                                    "must be an object with a 'nodes' list (and 'edges')")])
    return text, data


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].removesuffix(".json")


def _line(text: str, pattern: str, occurrence: int = 0) -> int:
    """The line of the ``occurrence``-th match of ``pattern`` in ``text``; 1 if none."""
    for number, match in enumerate(re.finditer(pattern, text)):
        if number == occurrence:
            return text.count("\n", 0, match.start()) + 1
    return 1


def _read_nodes(path: str, text: str, raw_nodes: list[Any], source: Source,
                problems: list[Problem]) -> dict[str, str]:
    """Collect the topic and subtopic nodes into ``source``; return every node's type."""
    types: dict[str, str] = {}
    dropped: dict[str, list[str]] = {}
    legend = 0
    nodes_line = _line(text, r'"nodes"\s*:')
    for index, raw in enumerate(raw_nodes):
        node_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(node_id, str) or not node_id:
            problems.append(Problem(path, nodes_line, f"node #{index + 1} has no 'id'"))
            continue
        id_pattern = r'"id"\s*:\s*"' + re.escape(node_id) + '"'
        line = _line(text, id_pattern)
        if node_id in types:
            problems.append(Problem(path, _line(text, id_pattern, 1), f"node id {node_id!r} "
                                    f"is used twice (first on line {line})"))
            continue
        kind = raw.get("type") if isinstance(raw.get("type"), str) else "?"
        types[node_id] = kind
        data = raw.get("data") if isinstance(raw.get("data"), dict) else {}
        label = one_line(data["label"]) if isinstance(data.get("label"), str) else ""
        if kind not in CONTENT_TYPES:
            dropped.setdefault(kind, []).append(label)
            if kind == "title" and label and not source.title_label:
                source.title_label = label
            continue
        if not label:
            problems.append(Problem(path, line, f"{kind} node {node_id!r} has no label (data.label)"))
            continue
        legend += isinstance(data.get("legend"), dict)
        x, y = _position(raw)
        source.nodes.append(Node(node_id, kind, label, x, y, index))
    if not source.nodes and not problems:
        problems.append(Problem(path, nodes_line, "the roadmap has no 'topic' or 'subtopic' nodes"))
    for kind, labels in sorted(dropped.items()):
        what = LAYOUT_TYPES.get(kind, "a node type we do not know")
        named = [repr(label) for label in labels if label] if kind in _NAMED_TYPES else []
        source.notes.append(f"{len(labels)} {kind!r} node(s) dropped ({what}; we have no "
                            f"equivalent)" + (f": {listing(named, 3)}" if named else ""))
    if legend:
        source.notes.append(f"legend marks on {legend} topic(s) dropped (we have no marks)")
    return types


def _position(raw: dict[str, Any]) -> tuple[float | None, float | None]:
    position = raw.get("position")
    if not isinstance(position, dict):
        return None, None
    x, y = position.get("x"), position.get("y")
    numbers = (int, float)
    return (float(x) if isinstance(x, numbers) else None, float(y) if isinstance(y, numbers) else None)


def _read_edges(path: str, text: str, raw_edges: Any, types: dict[str, str], source: Source,
                problems: list[Problem]) -> None:
    if not isinstance(raw_edges, list):
        problems.append(Problem(path, _line(text, r'"edges"\s*:'), "'edges' must be a list"))
        return
    content = {node.id for node in source.nodes}
    layout: list[str] = []
    unknown: list[str] = []
    for index, raw in enumerate(raw_edges):
        ends = (raw.get("source"), raw.get("target")) if isinstance(raw, dict) else (None, None)
        if not all(isinstance(end, str) for end in ends):
            edge_id = raw.get("id") if isinstance(raw, dict) else None
            line = (_line(text, r'"id"\s*:\s*"' + re.escape(edge_id) + '"')
                    if isinstance(edge_id, str) else _line(text, r'"edges"\s*:'))
            problems.append(Problem(path, line, f"edge #{index + 1} lacks a 'source' or 'target' node id"))
            continue
        start, end = str(ends[0]), str(ends[1])
        if start not in types or end not in types:
            unknown.append(repr(start if start not in types else end))
        elif start in content and end in content:
            source.edges.append((start, end))
        else:
            layout.append(types[start] if start not in content else types[end])
    if layout:
        kinds = ", ".join(sorted(set(layout)))
        source.notes.append(f"{len(layout)} edge(s) to or from nodes that are not topics ({kinds}) dropped")
    if unknown:
        source.notes.append(f"{len(unknown)} edge(s) naming nodes the JSON does not have dropped: "
                            f"{listing(unknown)}")


def _read_meta(path: str, text: str, notes: list[str], problems: list[Problem]) -> dict[str, str]:
    """The top-level ``key: value`` lines of the roadmap's front matter (enough of YAML
    for the keys we use; nested keys belong to page settings we do not carry)."""
    lines = clean_text(text)[0].split("\n")
    if not lines or lines[0].strip() != "---":
        notes.append(f"{path} has no front matter: the title comes from the drawing")
        return {}
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        problems.append(Problem(path, 1, "front matter is not closed: no second '---' line"))
        return {}
    fields: dict[str, str] = {}
    for line in lines[1:end]:
        match = _META_LINE.match(line)
        if match:
            fields[match.group(1)] = _unquote(match.group(2))
    ignored = [key for key in fields if key not in META_KEYS]
    if ignored:
        notes.append(f"{path}: page settings not carried: {listing(ignored, 8)}")
    return {key: value for key, value in fields.items() if key in META_KEYS and value}


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
        except json.JSONDecodeError:
            return value[1:-1]
        return decoded if isinstance(decoded, str) else value[1:-1]
    return value


def their_slug(label: str) -> str:
    """roadmap.sh's file-name slug of a label: "Adding / Updating" → "adding--updating"."""
    return re.sub(r"[^a-z0-9-]", "", label.lower().replace(" ", "-"))


def _match_texts(files: Mapping[str, str], folder: str, types: dict[str, str], source: Source) -> None:
    """Join each ``content/<slug>@<nodeId>.md`` to its node; note the files left over."""
    labels = {node.id: node.label for node in source.nodes}
    found: dict[str, list[tuple[str, str]]] = {}
    misnamed: list[str] = []
    for path in sorted(files):
        if not path.startswith(f"{folder}content/") or not path.endswith(".md"):
            continue
        match = _TOPIC_FILE.match(path.rsplit("/", 1)[-1])
        if match is None:
            misnamed.append(path)
        elif match.group(2) not in types:
            source.notes.append(f"{path}: no node {match.group(2)!r} in {source.json_path}; ignored")
        elif match.group(2) not in labels:
            source.notes.append(f"{path}: text of a {types[match.group(2)]!r} node, which we drop; "
                                "ignored")
        else:
            found.setdefault(match.group(2), []).append((path, match.group(1)))
    if misnamed:
        source.notes.append(f"{len(misnamed)} file(s) not named '<topic>@<nodeId>.md' (roadmap.sh's "
                            f"layout) ignored: {listing(misnamed)}")
    for node_id, candidates in found.items():
        wanted = re.sub("-+", "-", their_slug(labels[node_id]))
        best = next((c for c in candidates if re.sub("-+", "-", c[1]) == wanted), candidates[0])
        for path, _ in candidates:
            if path != best[0]:
                source.notes.append(f"{path}: a second file for {labels[node_id]!r}; "
                                    f"{best[0]} used instead")
        source.texts[node_id] = (best[0], files[best[0]])
