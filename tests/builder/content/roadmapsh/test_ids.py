"""A re-import keeps the ids of the earlier one, found by roadmap.sh node id."""

from __future__ import annotations

import json

from builder.content.roadmapsh import convert
from builder.content.roadmapsh.ids import keep_ids
from tests.builder.content.roadmapsh.conftest import FOLDER, fixture_files
from tests.builder.content.roadmapsh.test_convert import compiled

JSON = f"{FOLDER}/home-network.json"


def relabelled(**labels: str) -> dict[str, str]:
    """The fixture with some topic labels changed (old label → new label)."""
    files = fixture_files()
    data = json.loads(files[JSON])
    for node in data["nodes"]:
        node["data"]["label"] = labels.get(node["data"]["label"], node["data"]["label"])
    return {**files, JSON: json.dumps(data)}


def test_a_renamed_node_keeps_its_earlier_id() -> None:
    earlier = convert(fixture_files()).files
    fresh = convert(relabelled(**{"Wi-Fi": "Wireless Networks"}))
    assert "en/home-network/wireless-networks.md" in fresh.files
    kept = keep_ids(fresh, earlier)
    assert sorted(kept.files) == sorted(earlier)
    assert kept.files["en/home-network/wi-fi.md"].startswith("---\nid: home-network.wi-fi\n")
    assert "- wi-fi <- name-resolution-dns\n- port-forwarding <- wi-fi\n" in (
        kept.files["en/home-network/roadmap.md"])
    assert kept.differences[-1] == ("topic 'wireless-networks' keeps its earlier name and id "
                                    "'wi-fi' (same roadmap.sh node)")
    topics = {t["slug"]: t for t in compiled(kept)["topics"]}
    assert topics["wi-fi"]["title"] == "Wi-Fi"  # the text file still says Wi-Fi; the id is what stays


def test_a_name_another_node_now_holds_is_not_taken_back() -> None:
    earlier = convert(fixture_files()).files
    swapped = convert(relabelled(**{"Wi-Fi": "Mesh Systems", "Mesh Systems": "Wi-Fi"}))
    kept = keep_ids(swapped, earlier)
    assert kept.files == swapped.files
    assert kept.differences[-2:] == [
        "topic 'mesh-systems' cannot keep its earlier name 'wi-fi': another topic has it",
        "topic 'wi-fi' cannot keep its earlier name 'mesh-systems': another topic has it",
    ]


def test_nothing_changes_when_nothing_was_renamed() -> None:
    conversion = convert(fixture_files())
    assert keep_ids(conversion, conversion.files) == conversion
