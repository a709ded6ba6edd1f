"""Reading a roadmap file: its sections, their topics in order, and prerequisite edges."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from builder.content.frontmatter import split, title_of
from builder.content.problems import Problem

_ITEM = re.compile(r"^- ([a-z0-9][a-z0-9-]*)(?:\s*<-\s*(.+))?$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Entry:
    slug: str
    requires: list[str]
    line: int


@dataclass
class SectionSpec:
    title: str
    line: int
    entries: list[Entry] = field(default_factory=list)


@dataclass
class RoadmapFile:
    path: str
    id: str
    id_line: int
    title: str
    summary: str
    intro: str
    sections: list[SectionSpec]
    # ``premium: true`` in the front matter: the trail's outline is public, its topics'
    # text is for Pro learners only (builder.content.library keeps it out of the site).
    premium: bool = False

    def entries(self) -> list[Entry]:
        return [entry for section in self.sections for entry in section.entries]


def read_roadmap(path: str, folder: str, text: str, problems: list[Problem]) -> RoadmapFile:
    """Parse ``roadmap.md`` of the roadmap in ``folder``; append problems as found."""
    doc = split(path, text, ("id", "title", "summary"), problems, optional=("premium",))
    if not doc.closed:  # everything after an unclosed front matter is unreadable
        return RoadmapFile(path, "", 1, "", "", "", [])
    roadmap_id, id_line = doc.fields.get("id", ("", 1))
    if roadmap_id and roadmap_id != folder:
        problems.append(Problem(path, id_line,
                                f"roadmap id {roadmap_id!r} must equal its folder name {folder!r}"))
    _, title_line = title_of(doc, problems)
    intro: list[str] = []
    sections: list[SectionSpec] = []
    for number, raw in doc.body:
        line = raw.strip()
        if number <= title_line or not line:
            if not line and not sections and intro:
                intro.append("")
            continue
        if line.startswith("## "):
            sections.append(SectionSpec(line[3:].strip(), number))
        elif not sections:
            intro.append(line)
        elif line.startswith("- "):
            match = _ITEM.match(line)
            if not match:
                problems.append(Problem(path, number, "expected '- slug' or '- slug <- a, b', "
                                        f"found {line!r:.60}"))
                continue
            slug, after = match.groups()
            requires = [part.strip() for part in (after or "").split(",") if part.strip()]
            for required in requires:
                if not _SLUG.match(required):
                    problems.append(Problem(path, number, f"bad prerequisite slug {required!r}"))
            sections[-1].entries.append(Entry(slug, requires, number))
        else:
            problems.append(Problem(path, number, "only '- slug' items may follow a section "
                                    f"heading, found {line!r:.60}"))
    if not sections:
        problems.append(Problem(path, title_line, "roadmap has no '## Section' with topics"))
    for section in sections:
        if not section.entries:
            problems.append(Problem(path, section.line, f"section {section.title!r} lists no topics"))
    return RoadmapFile(
        path=path,
        id=roadmap_id,
        id_line=id_line,
        title=doc.fields.get("title", ("", 1))[0],
        summary=doc.fields.get("summary", ("", 1))[0],
        intro="\n".join(intro).strip(),
        sections=sections,
        premium=_premium(doc.fields.get("premium"), path, problems),
    )


def _premium(field: tuple[str, int] | None, path: str, problems: list[Problem]) -> bool:
    """The ``premium:`` front-matter value: true or false (absent: false)."""
    if field is None:
        return False
    value, line = field
    if value not in ("true", "false"):
        problems.append(Problem(path, line, f"premium must be 'true' or 'false', found {value!r:.40}"))
    return value == "true"


def check_graph(roadmap: RoadmapFile, problems: list[Problem]) -> None:
    """Duplicates, dangling edges, cycles, and prerequisites listed after their topic."""
    seen: dict[str, int] = {}
    for entry in roadmap.entries():
        if entry.slug in seen:
            problems.append(Problem(roadmap.path, entry.line, f"topic {entry.slug!r} is listed "
                                    f"twice (first on line {seen[entry.slug]})"))
        else:
            seen[entry.slug] = entry.line
    edges = {entry.slug: entry.requires for entry in roadmap.entries()}
    cyclic = _cycles(edges)
    for entry in roadmap.entries():
        for required in entry.requires:
            if required not in seen:
                problems.append(Problem(roadmap.path, entry.line, f"dangling edge: {entry.slug!r} "
                                        f"requires {required!r}, which is not in this roadmap"))
            elif entry.slug in cyclic and required in cyclic[entry.slug]:
                cycle = " <- ".join(cyclic[entry.slug])
                problems.append(Problem(roadmap.path, entry.line, f"cycle: {cycle}"))
            elif seen[required] >= entry.line:
                problems.append(Problem(roadmap.path, entry.line, f"prerequisite {required!r} "
                                        f"must be listed before {entry.slug!r}"))


def _cycles(edges: dict[str, list[str]]) -> dict[str, list[str]]:
    """Map each node on a cycle to that cycle's path (node ... node)."""
    found: dict[str, list[str]] = {}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt):], nxt]
                for member in cycle[:-1]:
                    found.setdefault(member, cycle)
            elif nxt in edges and state.get(nxt) is None:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in edges:
        if state.get(node) is None:
            visit(node)
    return found
