"""Malformed roadmap.sh input is refused with the builder's error, naming file and line."""

from __future__ import annotations

import json

import pytest

from builder.content.problems import ContentError
from builder.content.roadmapsh import convert
from tests.builder.content.roadmapsh.conftest import FOLDER, fixture_files

JSON = f"{FOLDER}/home-network.json"


def refusal(files: dict[str, str]) -> list[str]:
    with pytest.raises(ContentError) as caught:
        convert(files)
    return [str(problem) for problem in caught.value.problems]


def with_json(text: str) -> dict[str, str]:
    return {**fixture_files(), JSON: text}


def edited_json(old: str, new: str) -> dict[str, str]:
    text = fixture_files()[JSON]
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return with_json(text.replace(old, new))


def test_text_that_is_not_json_is_refused_with_its_line() -> None:
    assert refusal(with_json('{\n  "nodes": [\n    {"id": "a",}\n  ]\n}')) == [
        f"{JSON}:3: not JSON: Expecting property name enclosed in double quotes (column 16)"]


@pytest.mark.parametrize("text", ['{"edges": []}', '{"nodes": {}}', "[]"])
def test_json_without_a_nodes_list_is_refused(text: str) -> None:
    assert refusal(with_json(text)) == [
        f"{JSON}:1: the roadmap JSON must be an object with a 'nodes' list (and 'edges')"]


def test_a_topic_without_a_label_is_refused_at_its_node() -> None:
    files = edited_json('"label": "Name Resolution (DNS)"', '"label": "  "')
    assert refusal(files) == [f"{JSON}:190: topic node 'dnS5rV2mQx8KpL4tZw9Ye' has no label (data.label)"]


def test_every_problem_is_reported_at_once() -> None:
    data = json.loads(fixture_files()[JSON])
    data["nodes"][5]["id"] = data["nodes"][4]["id"]  # Subnets and Masks takes IP Addresses' id
    del data["nodes"][6]["data"]["label"]
    data["nodes"].append({"type": "topic", "data": {"label": "No id"}})
    text = json.dumps(data, indent=2)
    assert refusal(with_json(text)) == [
        f"{JSON}:2: node #15 has no 'id'",
        f"{JSON}:159: node id 'ipA7dR3sKx9LmQ2wZt5Vb' is used twice (first on line 128)",
        f"{JSON}:190: topic node 'dnS5rV2mQx8KpL4tZw9Ye' has no label (data.label)",
    ]


def test_a_drawing_without_topics_is_refused() -> None:
    data = json.loads(fixture_files()[JSON])
    data["nodes"] = [n for n in data["nodes"] if n["type"] not in ("topic", "subtopic")]
    assert refusal(with_json(json.dumps(data, indent=2))) == [
        f"{JSON}:2: the roadmap has no 'topic' or 'subtopic' nodes"]


def test_edges_must_be_a_list_of_source_and_target() -> None:
    assert refusal(edited_json('"edges": [', '"edges": "none", "old": [')) == [
        f"{JSON}:439: 'edges' must be a list"]
    data = json.loads(fixture_files()[JSON])
    data["edges"][1]["target"] = None
    assert refusal(with_json(json.dumps(data, indent=2))) == [
        f"{JSON}:472: edge #2 lacks a 'source' or 'target' node id"]


def test_an_unclosed_front_matter_of_the_roadmap_page_is_refused() -> None:
    files = {**fixture_files(), f"{FOLDER}/home-network.md": "---\ntitle: 'Home'\n"}
    assert refusal(files) == [f"{FOLDER}/home-network.md:1: front matter is not closed: "
                              "no second '---' line"]


def test_files_without_a_roadmap_json_are_refused() -> None:
    files = {p: t for p, t in fixture_files().items() if not p.endswith(".json")}
    assert refusal(files) == [f"{FOLDER}/content/100-basics/101-cables.md:1: no roadmap.sh roadmap "
                              "here: expected '<slug>/<slug>.json' beside '<slug>/content/'"]
    assert refusal({}) == [".:1: no roadmap.sh roadmap here: expected '<slug>/<slug>.json' beside "
                           "'<slug>/content/'"]


def test_two_roadmaps_at_once_are_refused() -> None:
    files = {**fixture_files(), "src/data/roadmaps/other/other.json": '{"nodes": []}'}
    assert refusal(files) == [f"src/data/roadmaps/other/other.json:1: more than one roadmap.sh "
                              f"roadmap: {JSON}, src/data/roadmaps/other/other.json; "
                              "convert them one at a time"]
