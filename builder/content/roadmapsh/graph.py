"""The order of a roadmap.sh roadmap: sections, the topics in each, and prerequisites.

roadmap.sh draws a roadmap: topic nodes down the page, subtopics beside each, joined by
edges drawn from a source to a target. We read an edge as "the target requires the
source", each topic as the head of a section holding the subtopics that hang off it,
and list everything so that a prerequisite always comes first (our roadmap format's
rule). An edge that would break that rule by closing a cycle is dropped and noted.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

K = TypeVar("K", str, int)


@dataclass(frozen=True)
class Node:
    """A topic or subtopic node of the roadmap JSON."""

    id: str
    type: str  # "topic" or "subtopic"
    label: str
    x: float | None
    y: float | None
    index: int  # its place among the JSON's nodes

    def place(self) -> tuple[float, float, int]:
        """Reading order on the page: top to bottom, then left to right, then file order."""
        return (math.inf if self.y is None else self.y, math.inf if self.x is None else self.x,
                self.index)


@dataclass
class Section:
    title: str
    nodes: list[Node] = field(default_factory=list)


@dataclass
class Plan:
    """Sections in order, each node's prerequisites (ids, in listing order), and notes."""

    sections: list[Section]
    requires: dict[str, list[str]]
    notes: list[str]


def plan(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> Plan:
    """Group ``nodes`` into sections and order them so that, for every kept edge
    ``(source, target)``, the source is listed before the target."""
    notes: list[str] = []
    heads = sorted((n for n in nodes if n.type == "topic"), key=Node.place)
    if heads:
        group = _attach(nodes, heads, edges, notes)
        titles = [head.label for head in heads]
    else:
        notes.append(f"no 'topic' nodes: all subtopics form one section, {title!r}")
        group = {node.id: 0 for node in nodes}
        titles = [title]
    labels = {node.id: node.label for node in nodes}
    inner, across, kept = _acyclic(edges, group, labels, titles, notes)
    order = _topological(len(titles), across)
    sections: list[Section] = []
    for number in order:
        members = sorted((n for n in nodes if group[n.id] == number),
                         key=lambda n: (n.type != "topic", n.place()))
        ranks = {node.id: rank for rank, node in enumerate(members)}
        after = {ranks[s]: {ranks[t] for t in targets} for s, targets in inner.items() if s in ranks}
        sections.append(Section(titles[number], [members[i] for i in _topological(len(members), after)]))
    listed = {node.id: place for place, node in
              enumerate(n for section in sections for n in section.nodes)}
    requires: dict[str, list[str]] = {}
    for source, target in kept:
        requires.setdefault(target, []).append(source)
    for sources in requires.values():
        sources.sort(key=listed.__getitem__)
    return Plan(sections, requires, notes)


def _attach(nodes: Sequence[Node], heads: list[Node], edges: Sequence[tuple[str, str]],
            notes: list[str]) -> dict[str, int]:
    """Section number of each node: a subtopic joins the topic whose edges lead to it in
    the fewest steps (an earlier topic on a tie); failing that, the topic fewest edges
    away in either direction; joined by no edge, the nearest topic on the page."""
    forward: dict[str, list[str]] = {node.id: [] for node in nodes}
    either: dict[str, list[str]] = {node.id: [] for node in nodes}
    for source, target in edges:
        forward[source].append(target)
        either[source].append(target)
        either[target].append(source)
    group = {head.id: number for number, head in enumerate(heads)}
    for neighbours in (forward, either):
        frontier = list(group)
        while frontier:
            reached: list[str] = []
            for node_id in frontier:
                for other in neighbours[node_id]:
                    if other not in group:
                        group[other] = group[node_id]
                        reached.append(other)
            frontier = reached
    placed: list[str] = []
    for node in nodes:
        if node.id not in group:
            group[node.id] = min(range(len(heads)), key=lambda i: _distance(node, heads[i]))
            placed.append(f"{node.label!r} (to {heads[group[node.id]].label!r})")
    if placed:
        notes.append(f"{len(placed)} subtopic(s) joined to no topic by an edge, placed with the "
                     f"nearest topic on the page: {', '.join(placed)}")
    return group


def _distance(node: Node, head: Node) -> tuple[float, int]:
    apart = abs(node.index - head.index)
    if node.x is None or node.y is None or head.x is None or head.y is None:
        return math.inf, apart
    return math.hypot(node.x - head.x, node.y - head.y), apart


def _acyclic(edges: Sequence[tuple[str, str]], group: dict[str, int], labels: dict[str, str],
             titles: list[str], notes: list[str],
             ) -> tuple[dict[str, set[str]], dict[int, set[int]], list[tuple[str, str]]]:
    """Keep the edges, in file order, that close no cycle: within a section, between
    nodes; across sections, between the sections (so sections can be listed in order)."""
    inner: dict[str, set[str]] = {}
    across: dict[int, set[int]] = {}
    kept: list[tuple[str, str]] = []
    for source, target in dict.fromkeys(edges):  # each pair once, in file order
        shown = f"edge {labels[source]!r} -> {labels[target]!r} dropped"
        if source == target:
            notes.append(f"{shown}: it joins the node to itself")
            continue
        first, second = group[source], group[target]
        if first == second:
            if _reaches(inner, target, source):
                notes.append(f"{shown}: {labels[target]!r} already leads to {labels[source]!r}, "
                             "so it would close a cycle")
                continue
            inner.setdefault(source, set()).add(target)
        else:
            if _reaches(across, second, first):
                notes.append(f"{shown}: section {titles[second]!r} already leads to section "
                             f"{titles[first]!r}, so it would close a cycle")
                continue
            across.setdefault(first, set()).add(second)
        kept.append((source, target))
    return inner, across, kept


def _reaches(graph: dict[K, set[K]], start: K, goal: K) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        for nxt in graph.get(current, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _topological(count: int, after: dict[int, set[int]]) -> list[int]:
    """``range(count)`` ordered so each ``a`` precedes everything in ``after[a]``; among
    the items free to go next, the lowest number first (numbers are in page order)."""
    waiting = [0] * count
    for targets in after.values():
        for target in targets:
            waiting[target] += 1
    ready = [item for item in range(count) if not waiting[item]]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        item = heapq.heappop(ready)
        order.append(item)
        for target in after.get(item, ()):
            waiting[target] -= 1
            if not waiting[target]:
                heapq.heappush(ready, target)
    return order
