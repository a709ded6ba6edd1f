"""The id-migration map: the old ids a topic lists in its ``formerly:`` front matter.

A rename, a move to another trail and a merge are all written the same way, on the
topic that lives on::

    ---
    id: python.functions
    level: beginner
    formerly: python.defining-functions, python.calling-functions
    ---

The compiler turns these into ``renames`` (old id → current id) in library.json, and
the app moves a learner's progress and notes from an old id to its topic on load.
Because each old id is written on its one target, the map cannot point at an unknown
topic or chain into a cycle; the rules left to check are below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from builder.content.problems import Problem
from builder.content.topics import ID_PATTERN, TopicFile

if TYPE_CHECKING:  # tree.py imports this module
    from builder.content.tree import RoadmapBundle


def _where(topic: TopicFile) -> str:
    return f"{topic.path}:{topic.formerly_line}"


def check_renames(bundles: list[RoadmapBundle], source_language: str,
                  problems: list[Problem]) -> dict[str, str]:
    """Check every ``formerly:`` list; return the map old id → current id (from the
    source language, which translations must repeat)."""
    current: dict[str, TopicFile] = {}
    for bundle in bundles:
        for topic in bundle.topics.values():
            if topic.id:
                current.setdefault(topic.id, topic)
    renames: dict[str, str] = {}
    claimed: dict[str, TopicFile] = {}
    for bundle in bundles:
        if bundle.lang != source_language:
            continue
        for topic in bundle.topics.values():
            seen: set[str] = set()
            for old in topic.formerly:
                line = topic.formerly_line
                if not ID_PATTERN.match(old):
                    problems.append(Problem(topic.path, line, f"formerly: {old!r} is not a topic id "
                                            "like '<roadmap>.<slug>'"))
                elif old == topic.id:
                    problems.append(Problem(topic.path, line, f"formerly: {old!r} is this topic's own id"))
                elif old in seen:
                    problems.append(Problem(topic.path, line, f"formerly: {old!r} is listed twice"))
                elif old in current:
                    problems.append(Problem(topic.path, line, f"formerly: {old!r} is still the id of "
                                            f"{current[old].path}; an id can be retired only when no "
                                            "topic has it"))
                elif old in claimed:
                    problems.append(Problem(topic.path, line, f"formerly: {old!r} already leads to "
                                            f"{claimed[old].id!r} ({_where(claimed[old])}); an old id "
                                            "can lead to one topic only"))
                else:
                    renames[old] = topic.id
                    claimed[old] = topic
                seen.add(old)
    sources = {t.id: t for b in bundles if b.lang == source_language for t in b.topics.values()}
    for bundle in bundles:
        if bundle.lang == source_language:
            continue
        for topic in bundle.topics.values():
            original = sources.get(topic.id)
            if original is not None and sorted(topic.formerly) != sorted(original.formerly):
                problems.append(Problem(topic.path, topic.formerly_line or topic.id_line,
                                        f"formerly: {', '.join(topic.formerly) or 'none'} differs from "
                                        f"the original's {', '.join(original.formerly) or 'none'} "
                                        f"({original.path})"))
    return renames
