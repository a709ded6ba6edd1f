"""Whatever well-formed roadmap.sh roadmap comes in, what comes out passes the content
compiler: generated drawings with odd labels, edges in every direction and messy text."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.content.roadmapsh import convert
from builder.content.roadmapsh.topic import one_line
from builder.content.tree import read_files

TYPES = ["topic", "topic", "subtopic", "subtopic", "subtopic", "title", "label", "vertical",
         "section", "todo", "mystery"]
KINDS = ["official", "article", "video", "course", "book", "opensource", "podcast", "feed",
         "roadmap", "blog", None]
URLS = ["https://example.org/a", "http://example.org/b", "https://example.org/w_(x)",
        "https://example.org/it's", "https://bücher.example/c", "mailto:a@example.org",
        "https://roadmap.sh/courses/sql", "https://example.org:99999/", "relative/path"]
labels = st.text(min_size=1, max_size=30).filter(lambda text: bool(one_line(text)))
prose = st.lists(st.text(max_size=80), max_size=4).map("\n\n".join)
links = st.lists(st.tuples(st.sampled_from(KINDS), st.text(max_size=20), st.sampled_from(URLS)),
                 max_size=4)


@st.composite
def roadmaps(draw: st.DrawFn) -> dict[str, str]:
    count = draw(st.integers(1, 10))
    ids = [f"node{n}" for n in range(count)]
    nodes = []
    for node_id in ids:
        position = draw(st.one_of(st.none(), st.tuples(st.integers(-500, 500), st.integers(0, 900))))
        node = {"id": node_id, "type": draw(st.sampled_from(TYPES)), "data": {"label": draw(labels)}}
        if position is not None:
            node["position"] = {"x": position[0], "y": position[1]}
        nodes.append(node)
    nodes[0]["type"] = draw(st.sampled_from(["topic", "subtopic"]))  # at least one topic
    ends = st.sampled_from([*ids, "missing"])
    edges = [{"source": a, "target": b} for a, b in draw(st.lists(st.tuples(ends, ends), max_size=15))]
    files = {"r/r.json": json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=draw(st.booleans()))}
    if draw(st.booleans()):
        values = st.one_of(st.sampled_from(["' '", "']['", "'in @currentYear@'", "\"\\u0007\""]),
                           st.text(max_size=20).map(repr))
        keys = st.sampled_from(["title", "briefTitle", "description", "briefDescription", "seo"])
        meta = draw(st.lists(st.tuples(keys, values), max_size=4))
        files["r/r.md"] = "---\n" + "".join(f"{key}: {value}\n" for key, value in meta) + "---\n"
    for node in nodes:
        if draw(st.booleans()):
            items = [f"- [{'@' + kind + '@' if kind else ''}{title}]({url})"
                     for kind, title, url in draw(links)]
            text = f"# {node['data']['label']}\n\n{draw(prose)}\n\nVisit these to learn more:\n\n"
            files[f"r/content/x@{node['id']}.md"] = text + "\n".join(items) + "\n"
    return files


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(roadmaps())
def test_any_drawing_converts_into_content_the_compiler_accepts(files: dict[str, str]) -> None:
    conversion = convert(files)
    [bundle] = read_files({path: text.encode("utf-8") for path, text in conversion.files.items()})
    content = [n for n in json.loads(files["r/r.json"])["nodes"] if n["type"] in ("topic", "subtopic")]
    assert len(bundle.topics) == len(content)
    assert all(topic.resources for topic in bundle.topics.values())
