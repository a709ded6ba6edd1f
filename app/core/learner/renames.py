"""Moving what a learner stored under an old topic id to the topic that took it over.

Content authors rename, move and merge topics (``formerly:`` in the topic's front
matter; the library's ``renames``). Progress, notes and the tutor's conversations are
stored by topic id, so on load each entry under an old id is moved to the current one.
When two entries meet (a merge, or a topic already marked under its new id), nothing is
dropped: the further mark wins (done, then skipped, then learning; the later one on a
tie), notes are joined, conversations are put one after the other.

>>> plan({"progress": [("py.old", {"status": "done", "at": 5})]}, {"py.old": "py.new"}.get)
Plan(writes=[('progress', 'py.new', {'status': 'done', 'at': 5})], deletes=[('progress', 'py.old')])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Merge = Callable[[Any, Any], Any]

_RANK = {"done": 3, "skipped": 2, "learning": 1}
NOTE_JOIN = "\n\n---\n\n"


def _mark_rank(mark: Any) -> tuple[int, int]:
    if not isinstance(mark, Mapping):
        return (0, 0)
    at = mark.get("at")
    return (_RANK.get(str(mark.get("status")), 0), at if isinstance(at, int) else 0)


def merge_marks(kept: Any, moved: Any) -> Any:
    """The further of two progress marks (done > skipped > learning, then the later)."""
    return moved if _mark_rank(moved) > _mark_rank(kept) else kept


def merge_notes(kept: Any, moved: Any) -> Any:
    """Both notes' text, the older first, with the later time."""
    if not isinstance(kept, Mapping) or not isinstance(moved, Mapping):
        return kept if isinstance(kept, Mapping) else moved
    if str(moved.get("text", "")).strip() in str(kept.get("text", "")):
        return kept  # moved before (a move cut short is run again): nothing to add
    first, second = sorted((kept, moved), key=lambda n: n.get("at", 0) if isinstance(n.get("at"), int) else 0)
    texts = [str(n.get("text", "")).strip() for n in (first, second)]
    return {**second, "text": NOTE_JOIN.join(t for t in texts if t)}


def merge_lists(kept: Any, moved: Any) -> Any:
    """The moved list's items not already kept, then the kept ones (conversations:
    the old topic's exchanges come first)."""
    kept_items = kept if isinstance(kept, list) else []
    moved_items = [item for item in (moved if isinstance(moved, list) else []) if item not in kept_items]
    return [*moved_items, *kept_items]


# The collections keyed by topic id that this module moves, and how two entries meet.
# (Quiz results and review cards keep their own keys; their owners use
# ``Library.migrate_topic_id``.)
MERGES: dict[str, Merge] = {"progress": merge_marks, "notes": merge_notes, "conversations": merge_lists}


@dataclass
class Plan:
    """The store writes that move entries, and the old keys to delete afterwards."""

    writes: list[tuple[str, str, Any]] = field(default_factory=list)
    deletes: list[tuple[str, str]] = field(default_factory=list)


def plan(stored: Mapping[str, Sequence[tuple[str, Any]]], rename: Callable[[str], str | None],
         merges: Mapping[str, Merge] = MERGES) -> Plan:
    """What to write and delete so that no entry of ``stored`` (collection → its (key,
    value) pairs) stays under an old id; ``rename(key)`` gives the current id or None.
    Running it again after the plan was carried out finds nothing to do."""
    result = Plan()
    for collection, items in stored.items():
        merge = merges.get(collection)
        if merge is None:
            continue
        values = dict(items)
        changed: dict[str, Any] = {}
        for key, value in items:
            target = rename(key)
            if target is None or target == key:
                continue
            current = changed.get(target, values.get(target))
            changed[target] = value if current is None else merge(current, value)
            result.deletes.append((collection, key))
        result.writes += [(collection, key, value) for key, value in changed.items()]
    return result
