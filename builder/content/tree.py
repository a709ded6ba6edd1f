"""Reading the whole content/ tree and checking the rules that span files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


# A source tree as data: path relative to its root ("en/python/loops.md") → file bytes.
# The build reads content/ into one (read_tree); a course pack arrives as one from the
# network (builder.content.pack). Both go through the same rules below.
Files = Mapping[str, bytes]


def _shown(base: str, rel: str) -> str:
    return f"{base}/{rel}" if base else rel


def _decode(data: bytes, display: str, problems: list[Problem]) -> str | None:
    try:
        return data.decode("utf-8-sig")  # a leading byte-order mark is dropped
    except UnicodeDecodeError as error:
        problems.append(Problem(display, 1, f"not UTF-8 text ({error.reason})"))
    return None


def read_bundle(files: Files, folder: str, lang: str, base: str,
                problems: list[Problem]) -> RoadmapBundle | None:
    """The roadmap in ``folder`` ("en/python") of ``files``, checked file by file."""
    name = folder.rsplit("/", 1)[-1]
    roadmap_key = f"{folder}/{ROADMAP_FILE}"
    display = _shown(base, roadmap_key)
    if roadmap_key not in files:
        problems.append(Problem(display, 1, f"roadmap folder {name!r} has no {ROADMAP_FILE}"))
        return None
    text = _decode(files[roadmap_key], display, problems)
    if text is None:
        return None
    roadmap = read_roadmap(display, name, text, problems)
    check_graph(roadmap, problems)
    topics: dict[str, TopicFile] = {}
    for key in sorted(files):
        head, _, file_name = key.rpartition("/")
        if head != folder or not file_name.endswith(".md") or file_name == ROADMAP_FILE:
            continue
        stem = file_name[:-3]
        shown = _shown(base, key)
        if not stem.replace("-", "").isalnum() or stem != stem.lower():
            problems.append(Problem(shown, 1, "file name must be a lowercase slug of letters, "
                                    "digits and '-'"))
        body = _decode(files[key], shown, problems)
        if body is None:
            continue
        topic = read_topic(shown, stem, body, problems)
        if ID_PATTERN.match(topic.id) and not topic.id.startswith(f"{name}."):
            problems.append(Problem(shown, topic.id_line, f"id {topic.id!r} must start with "
                                    f"{name + '.'!r}, the roadmap it belongs to"))
        topics[stem] = topic
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
    if copy.roadmap.premium != source.roadmap.premium:
        problems.append(Problem(path, 1, f"premium is {str(copy.roadmap.premium).lower()} here but "
                                f"{str(source.roadmap.premium).lower()} in {source.roadmap.path}"))
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
    """Read and check every roadmap under ``root``; raise ContentError listing all problems.
    Paths in the problems start with the folder's name (``content/en/...``)."""
    files: dict[str, bytes] = {}
    folders: list[str] = []
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_dir() and rel.count("/") <= 1:
                folders.append(rel)
            elif path.is_file() and path.suffix == ".md" and rel.count("/") == 2:
                files[rel] = path.read_bytes()
    return read_files(files, root.name, folders=folders)


def read_files(files: Files, base: str = "", *, folders: Iterable[str] = (),
               source_language: str = SOURCE_LANGUAGE) -> list[RoadmapBundle]:
    """Read and check every roadmap in ``files`` (``<lang>/<roadmap>/<file>.md``, other
    paths ignored); raise ContentError listing all problems, their paths prefixed with
    ``base``. ``folders`` adds folders that hold no file; ``source_language`` is the
    language the others translate (a course pack may be written in one language only)."""
    problems: list[Problem] = []
    bundles: list[RoadmapBundle] = []
    tree: dict[str, set[str]] = {}
    for rel in [*folders, *files]:
        parts = rel.split("/")
        if len(parts) >= 2 or rel in folders:
            tree.setdefault(parts[0], set())
        if len(parts) >= 3 or (len(parts) == 2 and rel in folders):
            tree[parts[0]].add(parts[1])
    if source_language not in tree:
        raise ContentError([Problem(base or ".", 1, f"no {source_language}/ folder")])
    for lang in sorted(tree):
        if lang not in LANGUAGES:
            problems.append(Problem(_shown(base, lang), 1, f"unknown language folder "
                                    f"{lang!r}; should be one of: {', '.join(LANGUAGES)}"))
            continue
        for name in sorted(tree[lang]):
            bundle = read_bundle(files, f"{lang}/{name}", lang, base, problems)
            if bundle is not None:
                bundles.append(bundle)
    check_ids(bundles, problems)
    sources = {b.roadmap.id: b for b in bundles if b.lang == source_language}
    for bundle in bundles:
        if bundle.lang == source_language:
            continue
        source = sources.get(bundle.roadmap.id)
        if source is None:
            problems.append(Problem(bundle.roadmap.path, 1, f"translation of {bundle.roadmap.id!r} "
                                    f"has no original in {source_language}/"))
        else:
            check_translation(source, bundle, problems)
    check_renames(bundles, source_language, problems)
    if problems:
        raise ContentError(problems)
    return bundles
