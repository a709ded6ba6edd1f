"""Reading the whole content/ tree and checking the rules that span files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.i18n import DEFAULT_LANGUAGE
from app.core.i18n import LANGUAGES as UI_LANGUAGES
from builder.content.problems import ContentError, Problem
from builder.content.renames import check_renames
from builder.content.roadmaps import RoadmapFile, check_graph, read_roadmap
from builder.content.topics import ID_PATTERN, TopicFile, read_topic

# The app's languages: content in a language the UI cannot show would be unreachable.
LANGUAGES = tuple(UI_LANGUAGES)
SOURCE_LANGUAGE = DEFAULT_LANGUAGE
ROADMAP_FILE = "roadmap.md"


@dataclass
class RoadmapBundle:
    lang: str
    roadmap: RoadmapFile
    topics: dict[str, TopicFile]  # by slug


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path, display: str, problems: list[Problem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")  # a leading byte-order mark is dropped
    except UnicodeDecodeError as error:
        problems.append(Problem(display, 1, f"not UTF-8 text ({error.reason})"))
    return None


def read_bundle(folder: Path, lang: str, root: Path, problems: list[Problem]) -> RoadmapBundle | None:
    roadmap_path = folder / ROADMAP_FILE
    display = _rel(roadmap_path, root)
    if not roadmap_path.is_file():
        problems.append(Problem(display, 1, f"roadmap folder {folder.name!r} has no {ROADMAP_FILE}"))
        return None
    text = _read(roadmap_path, display, problems)
    if text is None:
        return None
    roadmap = read_roadmap(display, folder.name, text, problems)
    check_graph(roadmap, problems)
    topics: dict[str, TopicFile] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name == ROADMAP_FILE:
            continue
        shown = _rel(path, root)
        if not path.stem.replace("-", "").isalnum() or path.stem != path.stem.lower():
            problems.append(Problem(shown, 1, "file name must be a lowercase slug of letters, "
                                    "digits and '-'"))
        body = _read(path, shown, problems)
        if body is None:
            continue
        topic = read_topic(shown, path.stem, body, problems)
        if ID_PATTERN.match(topic.id) and not topic.id.startswith(f"{folder.name}."):
            problems.append(Problem(shown, topic.id_line, f"id {topic.id!r} must start with "
                                    f"{folder.name + '.'!r}, the roadmap it belongs to"))
        topics[path.stem] = topic
    listed = {entry.slug: entry.line for entry in roadmap.entries()}
    for slug, line in listed.items():
        if slug not in topics:
            problems.append(Problem(display, line, f"no topic file {slug}.md for {slug!r}"))
    for slug, topic in topics.items():
        if slug not in listed:
            problems.append(Problem(topic.path, 1, f"topic is not listed in {display}"))
    return RoadmapBundle(lang, roadmap, topics)


def check_ids(bundles: list[RoadmapBundle], problems: list[Problem]) -> None:
    for lang in LANGUAGES:
        first: dict[str, str] = {}
        for bundle in bundles:
            if bundle.lang != lang:
                continue
            for topic in bundle.topics.values():
                if not topic.id:
                    continue
                if topic.id in first:
                    problems.append(Problem(topic.path, topic.id_line, f"duplicate id {topic.id!r} "
                                            f"(first used in {first[topic.id]})"))
                else:
                    first[topic.id] = f"{topic.path}:{topic.id_line}"


def check_translation(source: RoadmapBundle, copy: RoadmapBundle, problems: list[Problem]) -> None:
    """A translation has the original's sections, topics, edges, ids and levels."""
    path = copy.roadmap.path
    ours = [(s.line, [(e.slug, e.requires) for e in s.entries]) for s in copy.roadmap.sections]
    theirs = [[(e.slug, e.requires) for e in s.entries] for s in source.roadmap.sections]
    if len(ours) != len(theirs):
        problems.append(Problem(path, 1, f"translation has {len(ours)} sections; "
                                f"{source.roadmap.path} has {len(theirs)}"))
    for (line, items), original in zip(ours, theirs, strict=False):
        if items != original:
            problems.append(Problem(path, line, "section's topics or prerequisites differ from "
                                    f"{source.roadmap.path}"))
    for slug, topic in copy.topics.items():
        original_topic = source.topics.get(slug)
        if original_topic is None:
            continue
        if topic.id != original_topic.id:
            problems.append(Problem(topic.path, topic.id_line, f"id {topic.id!r} differs from "
                                    f"the original's {original_topic.id!r} ({original_topic.path})"))
        if topic.level != original_topic.level:
            problems.append(Problem(topic.path, 1, f"level {topic.level!r} differs from the "
                                    f"original's {original_topic.level!r} ({original_topic.path})"))


def read_tree(root: Path) -> list[RoadmapBundle]:
    """Read and check every roadmap under ``root``; raise ContentError listing all problems."""
    problems: list[Problem] = []
    bundles: list[RoadmapBundle] = []
    if not (root / SOURCE_LANGUAGE).is_dir():
        raise ContentError([Problem(_rel(root, root), 1, f"no {SOURCE_LANGUAGE}/ folder")])
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if lang_dir.name not in LANGUAGES:
            problems.append(Problem(_rel(lang_dir, root), 1, f"unknown language folder "
                                    f"{lang_dir.name!r}; should be one of: {', '.join(LANGUAGES)}"))
            continue
        for folder in sorted(p for p in lang_dir.iterdir() if p.is_dir()):
            bundle = read_bundle(folder, lang_dir.name, root, problems)
            if bundle is not None:
                bundles.append(bundle)
    check_ids(bundles, problems)
    sources = {b.roadmap.id: b for b in bundles if b.lang == SOURCE_LANGUAGE}
    for bundle in bundles:
        if bundle.lang == SOURCE_LANGUAGE:
            continue
        source = sources.get(bundle.roadmap.id)
        if source is None:
            problems.append(Problem(bundle.roadmap.path, 1, f"translation of {bundle.roadmap.id!r} "
                                    f"has no original in {SOURCE_LANGUAGE}/"))
        else:
            check_translation(source, bundle, problems)
    check_renames(bundles, SOURCE_LANGUAGE, problems)
    if problems:
        raise ContentError(problems)
    return bundles
