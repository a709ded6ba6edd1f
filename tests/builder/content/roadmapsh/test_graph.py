"""Sections, order and prerequisites of a roadmap.sh drawing."""

from __future__ import annotations

from builder.content.roadmapsh.graph import Node, Plan, plan


def topic(node_id: str, y: float | None, x: float | None = 0, kind: str = "topic", index: int = 0) -> Node:
    return Node(node_id, kind, node_id.upper(), x, y, index)


def listing(result: Plan) -> list[tuple[str, list[str]]]:
    return [(s.title, [n.id for n in s.nodes]) for s in result.sections]


def test_an_edge_up_the_page_puts_its_source_first() -> None:
    nodes = [topic("a", 0), topic("b", 100), topic("c", 200)]
    result = plan(nodes, [("c", "a")], "T")
    assert listing(result) == [("B", ["b"]), ("C", ["c"]), ("A", ["a"])]
    assert result.requires == {"a": ["c"]}
    assert result.notes == []


def test_an_edge_that_would_close_a_cycle_is_dropped() -> None:
    nodes = [topic("a", 0), topic("b", 100), topic("c", 200)]
    result = plan(nodes, [("a", "b"), ("b", "c"), ("c", "a"), ("a", "a")], "T")
    assert listing(result) == [("A", ["a"]), ("B", ["b"]), ("C", ["c"])]
    assert result.requires == {"b": ["a"], "c": ["b"]}
    assert result.notes == [
        "edge 'C' -> 'A' dropped: section 'A' already leads to section 'C', so it would close a cycle",
        "edge 'A' -> 'A' dropped: it joins the node to itself",
    ]


def test_a_subtopic_joins_the_topic_whose_edge_leads_to_it() -> None:
    nodes = [topic("a", 0), topic("b", 100), topic("s", 50, kind="subtopic"),
             topic("t", 60, kind="subtopic")]
    # s hangs off b (b -> s) though a is drawn pointing from s; t hangs off s.
    result = plan(nodes, [("a", "b"), ("s", "a"), ("b", "s"), ("s", "t")], "T")
    assert listing(result) == [("A", ["a"]), ("B", ["b", "s", "t"])]
    assert result.requires == {"b": ["a"], "s": ["b"], "t": ["s"]}
    assert result.notes == ["edge 'S' -> 'A' dropped: section 'A' already leads to section 'B', "
                            "so it would close a cycle"]


def test_within_a_section_prerequisites_come_first() -> None:
    nodes = [topic("a", 0), topic("s", 10, kind="subtopic"), topic("t", 20, kind="subtopic")]
    result = plan(nodes, [("a", "s"), ("a", "t"), ("t", "s"), ("s", "t")], "T")
    assert listing(result) == [("A", ["a", "t", "s"])]
    assert result.requires == {"s": ["a", "t"], "t": ["a"]}
    assert result.notes == ["edge 'S' -> 'T' dropped: 'T' already leads to 'S', so it would close a cycle"]


def test_a_subtopic_without_edges_goes_to_the_nearest_topic() -> None:
    nodes = [topic("a", 0), topic("b", 300), topic("s", 280, x=200, kind="subtopic"),
             topic("u", None, None, kind="subtopic", index=1)]
    result = plan(nodes, [], "T")
    assert listing(result) == [("A", ["a", "u"]), ("B", ["b", "s"])]
    assert result.notes == ["2 subtopic(s) joined to no topic by an edge, placed with the nearest "
                            "topic on the page: 'S' (to 'B'), 'U' (to 'A')"]


def test_without_topics_the_subtopics_form_one_section() -> None:
    nodes = [topic("s", 20, kind="subtopic"), topic("t", 10, kind="subtopic")]
    result = plan(nodes, [], "Only")
    assert listing(result) == [("Only", ["t", "s"])]
    assert result.notes == ["no 'topic' nodes: all subtopics form one section, 'Only'"]
