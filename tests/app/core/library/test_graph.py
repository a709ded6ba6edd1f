"""The trail map's layout: boxes never overlap, edges point down and miss every box,
rows follow sections and prerequisites, crossings are reduced, and the result is
deterministic. Checked on every trail of the real content and on crafted graphs."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from app.core.library.catalog import Library
from app.core.library.graph import NARROW, WIDE, Layout, Node, Size, layout, step, wrap
from builder.content.library import library_dict
from builder.content.tree import read_tree

ROOT = Path(__file__).resolve().parents[4]


@cache
def real_library() -> Library:
    return Library.from_dict(library_dict(read_tree(ROOT / "content")))


def trail_layout(roadmap_id: str, lang: str, size: Size) -> Layout:
    lib = real_library()
    roadmap = lib.roadmap(roadmap_id, lang)
    topics = {tid: lib.topic(tid, roadmap.lang) for tid in roadmap.topic_ids}
    return layout([(s.title, s.topics) for s in roadmap.sections],
                  {tid: t.requires for tid, t in topics.items()},
                  {tid: t.title for tid, t in topics.items()}, size)


def trails() -> list[tuple[str, str]]:
    return sorted(real_library().roadmaps)


def overlaps(a: Node, b: Node) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def inside(point: tuple[float, float], node: Node) -> bool:
    x, y = point
    return node.x < x < node.x + node.width and node.y < y < node.bottom


def samples(points: Sequence[tuple[float, float]], curved: bool) -> list[tuple[float, float]]:
    """Points along an edge: the cubic curve, or each segment of the polyline."""
    found = []
    if curved:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points
        for i in range(101):
            s = i / 100
            a, b, c, d = (1 - s) ** 3, 3 * s * (1 - s) ** 2, 3 * s * s * (1 - s), s ** 3
            found.append((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3))
        return found
    for (xa, ya), (xb, yb) in itertools.pairwise(points):
        found += [(xa + (xb - xa) * i / 50, ya + (yb - ya) * i / 50) for i in range(51)]
    return found


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["narrow", "wide"])
@pytest.mark.parametrize(("roadmap_id", "lang"), trails())
def test_real_trails_have_no_overlap_and_every_edge_goes_down_around_the_boxes(
        roadmap_id: str, lang: str, size: Size) -> None:
    drawn = trail_layout(roadmap_id, lang, size)
    roadmap = real_library().roadmap(roadmap_id, lang)
    assert sorted(n.id for n in drawn.nodes) == sorted(roadmap.topic_ids)
    for i, a in enumerate(drawn.nodes):
        assert a.x >= 0 and a.x + a.width <= drawn.width and a.y >= 0 and a.bottom <= drawn.height
        assert 0 <= a.column < size.columns
        for b in drawn.nodes[i + 1:]:
            assert not overlaps(a, b), (a.id, b.id)
    required = {(p, t) for t in roadmap.topic_ids for p in real_library().topic(t, lang).requires}
    assert {(e.source, e.target) for e in drawn.edges} == required
    for edge in drawn.edges:
        source, target = drawn.node(edge.source), drawn.node(edge.target)
        assert target.row > source.row
        assert edge.points[0] == (source.centre_x, source.bottom)
        assert edge.points[-1] == (target.centre_x, target.y)
        ys = [y for _, y in edge.points]
        assert ys == sorted(ys) and ys[-1] > ys[0]  # never back up
        others = [n for n in drawn.nodes if n.id not in (edge.source, edge.target)]
        for point in samples(edge.points, edge.curved):
            assert 0 <= point[0] <= drawn.width
            assert not any(inside(point, n) for n in others), (edge.source, edge.target, point)


@pytest.mark.parametrize(("roadmap_id", "lang"), trails())
def test_rows_follow_sections_then_prerequisites_and_reading_order_is_row_by_row(
        roadmap_id: str, lang: str) -> None:
    drawn = trail_layout(roadmap_id, lang, NARROW)
    roadmap = real_library().roadmap(roadmap_id, lang)
    assert [b.title for b in drawn.bands] == [s.title for s in roadmap.sections]
    for band, section in zip(drawn.bands, roadmap.sections, strict=True):
        for node in drawn.nodes:
            if node.id in section.topics:
                assert node.band == band.index and band.y < node.y and node.bottom < band.y + band.height
    for above, below in zip(drawn.bands, drawn.bands[1:], strict=False):
        assert above.y + above.height < below.y
    order = [(n.row, n.x) for n in drawn.nodes]
    assert order == sorted(order)


def test_the_same_trail_gives_the_same_drawing() -> None:
    first = trail_layout("python", "en", WIDE)
    assert trail_layout("python", "en", WIDE) == first
    lib = real_library()
    roadmap = lib.roadmap("python", "en")
    # The order of the requires mapping does not matter either.
    shuffled = {tid: lib.topic(tid, "en").requires for tid in reversed(roadmap.topic_ids)}
    titles = {tid: lib.topic(tid, "en").title for tid in roadmap.topic_ids}
    assert layout([(s.title, s.topics) for s in roadmap.sections], shuffled, titles, WIDE) == first


def test_order_within_a_row_follows_the_prerequisites_to_avoid_a_crossing() -> None:
    # Authored order puts c (needs b) left of d (needs a): drawn as listed they would cross.
    drawn = layout([("One", ["a", "b"]), ("Two", ["c", "d"])], {"c": ["b"], "d": ["a"]},
                   {t: t.upper() for t in "abcd"}, WIDE)
    col = {n.id: n.column for n in drawn.nodes}
    assert (col["a"] < col["b"]) == (col["d"] < col["c"])


def test_a_chain_stays_in_one_column_and_a_wide_rank_is_split_into_rows() -> None:
    chain = layout([("S", ["a", "b", "c"])], {"b": ["a"], "c": ["b"]}, {}, WIDE)
    assert len({n.column for n in chain.nodes}) == 1 and [n.row for n in chain.nodes] == [0, 1, 2]
    fan = layout([("S", ["root", "p", "q", "r", "s", "t"])],
                 {leaf: ["root"] for leaf in "pqrst"}, {}, NARROW)
    rows: dict[int, list[str]] = {}
    for node in fan.nodes:
        rows.setdefault(node.row, []).append(node.id)
    assert rows[0] == ["root"] and all(len(r) <= NARROW.columns for r in rows.values())
    assert sorted(t for r in list(rows.values())[1:] for t in r) == list("pqrst")
    assert len(rows) == 4  # 5 leaves in rows of 2


def test_a_cycle_is_refused_with_its_topic_named() -> None:
    with pytest.raises(ValueError, match="cycle through 'a'"):
        layout([("S", ["a", "b"])], {"a": ["b"], "b": ["a"]}, {}, WIDE)


def test_titles_wrap_to_the_box_and_overlong_ones_end_in_an_ellipsis() -> None:
    assert wrap("Iterators and generators", 16, 3) == ("Iterators and", "generators")
    assert wrap("Supercalifragilisticexpialidocious", 10, 3) == ("Supercali-", "fragilist-", "icexpiali…")
    assert all(len(line) <= 16 for line in wrap("Итераторы и генераторы в Python", 16, 3))


def test_arrow_keys_move_along_rows_and_to_the_nearest_box_above_or_below() -> None:
    places = [("a", 0, 100.0), ("b", 1, 40.0), ("c", 1, 200.0), ("d", 2, 190.0)]
    assert step(places, "a", "ArrowDown") == "b"
    assert step(places, "b", "ArrowRight") == "c"
    assert step(places, "c", "ArrowDown") == "d"
    assert step(places, "d", "ArrowUp") == "c"
    assert step(places, "a", "ArrowUp") is None and step(places, "d", "ArrowRight") is None
    assert step(places, "c", "Home") == "a" and step(places, "a", "End") == "d"
    assert step(places, "a", "Enter") is None and step(places, "zz", "ArrowDown") is None
