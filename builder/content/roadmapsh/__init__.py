"""Converting a roadmap in roadmap.sh's public layout into our content layout.

``convert(files)`` takes the roadmap's files (path → text: ``<slug>/<slug>.json``,
``<slug>/<slug>.md``, ``<slug>/content/<label>@<nodeId>.md``, under any leading folder,
or starting inside the roadmap's folder) and returns our files (``en/<slug>/roadmap.md``
and one ``en/<slug>/<topic>.md`` per topic, ready for ``builder.content.tree.read_files``)
with the list of differences: everything dropped or approximated on the way. Malformed
input raises ContentError with ``path:line``. Standard library only: the browser runs
this module too, when a course pack's address points at a roadmap.sh roadmap.

>>> conversion = convert(files)                           # doctest: +SKIP
>>> conversion.files["en/git-github/roadmap.md"][:20]     # doctest: +SKIP
'---\\nid: git-github\\ntitle'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from builder.content.roadmapsh.graph import Node, Plan, plan
from builder.content.roadmapsh.source import Source, listing, read_source
from builder.content.roadmapsh.topic import TopicText, link_title, one_line, read_topic_text
from builder.content.topics import LEVELS, ResourceLink

# What the browser needs of builder/ to run convert(), as paths under builder/ (the way
# builder.site.PACK_MODULES lists the modules it ships to the page).
MODULES = ("__init__.py", "content/__init__.py", "content/problems.py", "content/frontmatter.py",
           "content/topics.py", "content/roadmapsh/__init__.py", "content/roadmapsh/graph.py",
           "content/roadmapsh/source.py", "content/roadmapsh/topic.py", "content/roadmapsh/ids.py")
LANGUAGE = "en"  # roadmap.sh writes its content in English
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MAX_SLUG = 60
_RESERVED = {"roadmap"}  # roadmap.md is the roadmap file itself


@dataclass(frozen=True)
class Conversion:
    """Our content files (path → Markdown) and the differences, one sentence each."""

    files: dict[str, str]
    differences: list[str]


def convert(files: Mapping[str, str]) -> Conversion:
    """Convert the roadmap.sh roadmap in ``files``; raise ContentError on bad input."""
    source = read_source(files)
    notes = list(source.notes)
    slug = source.slug if _SLUG.match(source.slug) else slugify(source.slug, "roadmap")
    if slug != source.slug:
        notes.append(f"roadmap slug {source.slug!r} became {slug!r}")
    title = _first(source.meta.get("briefTitle"), source.meta.get("title"), source.title_label, slug)
    layout = plan(source.nodes, source.edges, title)
    notes.extend(layout.notes)
    slugs = _topic_slugs(layout, notes)
    out = {f"{LANGUAGE}/{slug}/roadmap.md": _roadmap_file(slug, title, source, layout, slugs)}
    levels = _levels(layout, notes)
    empty: list[str] = []
    unlinked: list[str] = []
    for section_number, section in enumerate(layout.sections):
        for node in section.nodes:
            text = _topic_text(source, node, notes, empty)
            if not text.links:
                unlinked.append(repr(node.label))
                text.links.append(ResourceLink("article", link_title(f"{title} on roadmap.sh"),
                                               f"https://roadmap.sh/{slug}"))
            out[f"{LANGUAGE}/{slug}/{slugs[node.id]}.md"] = _topic_file(
                f"{slug}.{slugs[node.id]}", levels[section_number],
                f"roadmap.sh/{source.slug}@{node.id}", text)
    if empty:
        notes.append(f"{len(empty)} topic(s) without text on roadmap.sh (no Markdown file, or "
                     f"only a title) have no prose here either: {listing(empty, 8)}")
    if unlinked:
        notes.append(f"{len(unlinked)} topic(s) with no usable links link to the roadmap on "
                     f"roadmap.sh instead: {listing(unlinked, 8)}")
    return Conversion(out, notes)


def slugify(label: str, fallback: str = "topic") -> str:
    """A readable file-name slug: "C++ Basics" → "c-plus-plus-basics"."""
    text = label.replace("+", " plus ").replace("#", " sharp ").replace("&", " and ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > _MAX_SLUG:
        slug = slug[:_MAX_SLUG].rsplit("-", 1)[0]
    return slug or fallback


def _first(*texts: str | None) -> str:
    """The first of ``texts`` with something left once tidied ('' if none): one line,
    without roadmap.sh's "in @currentYear@" (filled in by its site)."""
    for text in texts:
        tidy = one_line(re.sub(r"\s*@currentYear@", "", re.sub(r"\s+in\s+@currentYear@", "", text or "")))
        if tidy:
            return tidy
    return ""


def _topic_slugs(layout: Plan, notes: list[str]) -> dict[str, str]:
    slugs: dict[str, str] = {}
    taken = set(_RESERVED)
    for section in layout.sections:
        for node in section.nodes:
            base = slugify(node.label, "")
            if not base:
                base = "topic"
                notes.append(f"topic {node.label!r} has no Latin letters or digits for a file name")
            slug = base if base not in taken else next(
                f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
            if slug != base:
                notes.append(f"topic {node.label!r} is {slug!r}: {base!r} was taken")
            taken.add(slug)
            slugs[node.id] = slug
    return slugs


def _levels(layout: Plan, notes: list[str]) -> list[str]:
    """roadmap.sh has no levels: the first third of the sections are beginner, the next
    intermediate, the rest advanced."""
    count = len(layout.sections)
    levels = [LEVELS[number * len(LEVELS) // count] for number in range(count)]
    spans = [f"{level} ({levels.count(level)} section(s))" for level in LEVELS if level in levels]
    notes.append("levels guessed from the order (roadmap.sh has none): " + ", ".join(spans))
    return levels


def _topic_text(source: Source, node: Node, notes: list[str], empty: list[str]) -> TopicText:
    if node.id not in source.texts:
        empty.append(repr(node.label))
        return TopicText(title=node.label)
    path, markdown = source.texts[node.id]
    text = read_topic_text(markdown)
    notes.extend(f"{path}: {note}" for note in text.notes)
    if text.title and text.title.casefold() != node.label.casefold():
        notes.append(f"{path}: title {text.title!r} kept; the drawing says {node.label!r}")
    if not text.prose:
        empty.append(repr(node.label))
    text.title = text.title or node.label
    return text


def _roadmap_file(slug: str, title: str, source: Source, layout: Plan,
                  slugs: dict[str, str]) -> str:
    summary = _first(source.meta.get("briefDescription"), source.meta.get("description"),
                     f"{title}, converted from roadmap.sh.")
    lines = ["---", f"id: {slug}", f"title: {title}", f"summary: {summary}", "---", f"# {title}", ""]
    long = _first(source.meta.get("description"))
    if long and long != summary:
        lines += [long, ""]
    lines += [f"Converted from the [{link_title(title)} roadmap on roadmap.sh](https://roadmap.sh/{slug}). "
              "roadmap.sh allows its content for personal use only.", ""]
    for section in layout.sections:
        lines += [f"## {section.title}", ""]
        for node in section.nodes:
            requires = [slugs[r] for r in layout.requires.get(node.id, [])]
            lines.append(f"- {slugs[node.id]}" + (f" <- {', '.join(requires)}" if requires else ""))
        lines.append("")
    return "\n".join(lines)


def _topic_file(topic_id: str, level: str, origin: str, text: TopicText) -> str:
    lines = ["---", f"id: {topic_id}", f"level: {level}", f"origin: {origin}", "---",
             f"# {text.title}", ""]
    if text.prose:
        lines += [text.prose, ""]
    lines += ["## Resources", ""]
    lines += [f"- [@{link.type}@{link.title}]({link.url})" for link in text.links]
    return "\n".join(lines) + "\n"
