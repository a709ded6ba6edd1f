"""roadmap.sh → our content: the fixture converts, compiles with the content compiler,
keeps its prerequisites, sections and links, and reports exactly what it lost."""

from __future__ import annotations

import json
from typing import Any

from builder.content.library import library_dict
from builder.content.roadmapsh import Conversion, convert
from builder.content.roadmapsh.source import topic_files
from builder.content.tree import read_files
from tests.builder.content.roadmapsh.conftest import FOLDER, fixture_files

CONTENT = f"{FOLDER}/content"


def compiled(conversion: Conversion) -> dict[str, Any]:
    """The converted files through the compiler's checks and renderer (no embedding)."""
    bundles = read_files({path: text.encode("utf-8") for path, text in conversion.files.items()})
    return library_dict(bundles)


def test_fixture_compiles_with_the_content_compiler() -> None:
    library = compiled(convert(fixture_files()))
    [roadmap] = library["roadmaps"]
    assert (roadmap["id"], roadmap["lang"], roadmap["title"]) == ("home-network", "en", "Home Networking")
    assert roadmap["summary"] == "Set up and understand the network in your home"
    assert 'href="https://roadmap.sh/home-network"' in roadmap["intro_html"]
    topics = {topic["slug"]: topic for topic in library["topics"]}
    assert sorted(topics) == ["ip-addresses", "mesh-systems", "name-resolution-dns",
                              "port-forwarding", "resolvers-caching", "subnets-and-masks", "wi-fi"]
    assert "<p>Every device on your network gets a number" in topics["ip-addresses"]["html"]
    # Raw HTML in roadmap.sh's text is escaped by our renderer, never passed through.
    assert "&lt;kbd&gt;Ctrl&lt;/kbd&gt;" in topics["wi-fi"]["html"]


def test_sections_follow_the_topics_down_the_page() -> None:
    [roadmap] = compiled(convert(fixture_files()))["roadmaps"]
    assert roadmap["sections"] == [
        {"title": "IP Addresses",
         "topics": ["home-network.ip-addresses", "home-network.subnets-and-masks"]},
        {"title": "Name Resolution (DNS)",
         "topics": ["home-network.name-resolution-dns", "home-network.resolvers-caching"]},
        # Port Forwarding hangs off Wi-Fi by an edge; Mesh Systems, by no edge, is placed
        # with the topic nearest to it on the page.
        {"title": "Wi-Fi", "topics": ["home-network.wi-fi", "home-network.port-forwarding",
                                      "home-network.mesh-systems"]},
    ]


def test_edges_become_prerequisites_without_cycles() -> None:
    topics = {t["slug"]: t for t in compiled(convert(fixture_files()))["topics"]}
    assert {slug: topic["requires"] for slug, topic in topics.items()} == {
        "ip-addresses": [],
        "subnets-and-masks": ["home-network.ip-addresses"],
        "name-resolution-dns": ["home-network.ip-addresses"],  # two drawn edges, one prerequisite
        "resolvers-caching": ["home-network.name-resolution-dns"],
        "wi-fi": ["home-network.name-resolution-dns"],
        "port-forwarding": ["home-network.wi-fi"],
        "mesh-systems": [],
    }


def test_levels_are_guessed_from_the_order() -> None:
    topics = {t["slug"]: t["level"] for t in compiled(convert(fixture_files()))["topics"]}
    assert topics == {"ip-addresses": "beginner", "subnets-and-masks": "beginner",
                      "name-resolution-dns": "intermediate", "resolvers-caching": "intermediate",
                      "wi-fi": "advanced", "port-forwarding": "advanced", "mesh-systems": "advanced"}


def test_resources_map_to_our_link_kinds() -> None:
    topics = {t["slug"]: t for t in compiled(convert(fixture_files()))["topics"]}

    def links(slug: str) -> list[tuple[str, str, str]]:
        return [(r["type"], r["title"], r["url"]) for r in topics[slug]["resources"]]

    assert links("ip-addresses") == [
        ("official", "RFC 1918: Address Allocation for Private Internets",
         "https://www.rfc-editor.org/rfc/rfc1918"),
        ("opensource", "nmap: the network mapper", "https://github.com/nmap/nmap"),
        ("article", "Private & public addresses, explained", "https://example.org/private-public"),
    ]
    assert links("name-resolution-dns") == [  # the paid course is gone
        ("course", "Networking basics, a free course", "https://example.org/courses/networking"),
        ("video", "How a name becomes an address", "https://www.youtube.com/watch?v=abcdefghijk"),
        ("video", "Packets at home, episode 12", "https://example.org/podcast/12"),
    ]
    assert [kind for kind, _, _ in links("resolvers-caching")] == ["book", "article", "article",
                                                                   "article", "article"]
    assert links("wi-fi") == [  # the http:// link is gone, the brackets percent-encoded
        ("official", "Wi-Fi Alliance", "https://www.wi-fi.org/"),
        ("article", "IEEE 802.11 (overview)",
         "https://en.wikipedia.org/wiki/IEEE_802.11_%28overview%29"),
    ]
    # A topic without links of its own points at the roadmap it came from.
    assert links("port-forwarding") == [
        ("article", "Home Networking on roadmap.sh", "https://roadmap.sh/home-network")]


def test_topic_files_keep_their_origin_and_a_stable_id() -> None:
    files = convert(fixture_files()).files
    assert sorted(files) == [f"en/home-network/{name}.md" for name in (
        "ip-addresses", "mesh-systems", "name-resolution-dns", "port-forwarding",
        "resolvers-caching", "roadmap", "subnets-and-masks", "wi-fi")]
    assert files["en/home-network/port-forwarding.md"] == (
        "---\nid: home-network.port-forwarding\nlevel: advanced\n"
        "origin: roadmap.sh/home-network@pfW9tL4xMq7KzR2vNp5Hh\n---\n# Port Forwarding\n\n"
        "## Resources\n\n- [@article@Home Networking on roadmap.sh](https://roadmap.sh/home-network)\n")
    assert convert(fixture_files()) == convert(fixture_files())


def test_paths_may_start_inside_the_roadmap_folder() -> None:
    inside = {path.removeprefix(f"{FOLDER}/"): text for path, text in fixture_files().items()}
    assert "home-network.json" in inside
    assert convert(inside).files == convert(fixture_files()).files


def test_differences_name_everything_dropped_or_approximated() -> None:
    assert convert(fixture_files()).differences == [
        "1 'button' node(s) dropped (buttons linking to other pages; we have no equivalent): "
        "'Visit the Linux roadmap'",
        "1 'label' node(s) dropped (labels over groups of topics; we have no equivalent): "
        "'Going further'",
        "1 'paragraph' node(s) dropped (text boxes; we have no equivalent): "
        "'Pick the parts that match your own setup.'",
        "1 'section' node(s) dropped (boxes drawn around topics; we have no equivalent)",
        "1 'title' node(s) dropped (the title drawn on the page; we have no equivalent)",
        "1 'todo' node(s) dropped (checklist items; we have no equivalent): "
        "\"Write down your router's admin address\"",
        "1 'vertical' node(s) dropped (lines; we have no equivalent)",
        "1 edge(s) to or from nodes that are not topics (title) dropped",
        "1 edge(s) naming nodes the JSON does not have dropped: 'gOnE4kQ7vNz1LxP5rTw8Zz'",
        f"{FOLDER}/home-network.md: page settings not carried: jsonUrl, pdfUrl, renderer, order, "
        "hasTopics, isNew, dimensions, seo and 1 more",
        f"{CONTENT}/old-topic@zzQ1kP4vNx7LmR2tWp5Yq.md: no node 'zzQ1kP4vNx7LmR2tWp5Yq' in "
        f"{FOLDER}/home-network.json; ignored",
        "1 file(s) not named '<topic>@<nodeId>.md' (roadmap.sh's layout) ignored: "
        f"{CONTENT}/100-basics/101-cables.md",
        f"{CONTENT}/dns@dnS5rV2mQx8KpL4tZw9Ye.md: a second file for 'Name Resolution (DNS)'; "
        f"{CONTENT}/name-resolution-dns@dnS5rV2mQx8KpL4tZw9Ye.md used instead",
        "1 subtopic(s) joined to no topic by an edge, placed with the nearest topic on the page: "
        "'Mesh Systems' (to 'Wi-Fi')",
        "edge 'Resolvers / Caching' -> 'Name Resolution (DNS)' dropped: 'Name Resolution (DNS)' "
        "already leads to 'Resolvers / Caching', so it would close a cycle",
        "edge 'Port Forwarding' -> 'IP Addresses' dropped: section 'IP Addresses' already leads "
        "to section 'Wi-Fi', so it would close a cycle",
        "levels guessed from the order (roadmap.sh has none): beginner (1 section(s)), "
        "intermediate (1 section(s)), advanced (1 section(s))",
        f"{CONTENT}/name-resolution-dns@dnS5rV2mQx8KpL4tZw9Ye.md: link 'Premium Networking Course' "
        "dropped: a paid course",
        f"{CONTENT}/name-resolution-dns@dnS5rV2mQx8KpL4tZw9Ye.md: link 'Packets at home, episode 12': "
        "podcast link taken as 'video' (we have no podcast kind)",
        f"{CONTENT}/resolvers--caching@rsC3vH7nLq1MzK9xTp6Wf.md: link 'Explore top posts about DNS': "
        "feed link taken as 'article' (we have no feed kind)",
        f"{CONTENT}/resolvers--caching@rsC3vH7nLq1MzK9xTp6Wf.md: link 'Visit the Linux roadmap': "
        "link to another roadmap.sh roadmap taken as 'article'",
        f"{CONTENT}/resolvers--caching@rsC3vH7nLq1MzK9xTp6Wf.md: link 'A plain link without a kind': "
        "untyped link taken as 'article'",
        f"{CONTENT}/resolvers--caching@rsC3vH7nLq1MzK9xTp6Wf.md: link 'A kind roadmap.sh does not "
        "have': unknown link kind 'blog' taken as 'article'",
        f"{CONTENT}/wi-fi@wfI6pK1zXr5NqM8vLt2Dg.md: link 'An old page still on plain http' dropped: "
        "an http:// address (ours are https:// only)",
        f"{CONTENT}/wi-fi@wfI6pK1zXr5NqM8vLt2Dg.md: link 'IEEE 802.11 (overview)': address "
        "percent-encoded (brackets, quotes, spaces)",
        f"{CONTENT}/wi-fi@wfI6pK1zXr5NqM8vLt2Dg.md: raw HTML in the text will show as text "
        "(our renderer escapes it)",
        "2 topic(s) without text on roadmap.sh (no Markdown file, or only a title) have no prose "
        "here either: 'Subnets and Masks', 'Port Forwarding'",
        "3 topic(s) with no usable links link to the roadmap on roadmap.sh instead: "
        "'Subnets and Masks', 'Port Forwarding', 'Mesh Systems'",
    ]


def test_labels_become_readable_unique_slugs() -> None:
    labels = ["C++", "C#", "Roadmap", "Основы", "C++", "Tips & Tricks"]
    nodes = [{"id": f"n{i}", "type": "topic", "position": {"x": 0, "y": i * 100},
              "data": {"label": label}} for i, label in enumerate(labels)]
    conversion = convert({"langs/langs.json": json.dumps({"nodes": nodes, "edges": []})})
    assert [path.rsplit("/", 1)[1] for path in conversion.files] == [
        "roadmap.md", "c-plus-plus.md", "c-sharp.md", "roadmap-2.md", "topic.md", "c-plus-plus-2.md",
        "tips-and-tricks.md"]
    assert [d for d in conversion.differences if d.startswith("topic ")] == [
        "topic 'Roadmap' is 'roadmap-2': 'roadmap' was taken",
        "topic 'Основы' has no Latin letters or digits for a file name",
        "topic 'C++' is 'c-plus-plus-2': 'c-plus-plus' was taken",
    ]
    assert "no langs/langs.md: the title comes from the drawing" in conversion.differences
    compiled(conversion)


def test_the_drawing_names_the_topic_files_to_fetch() -> None:
    files = fixture_files()
    json_path = f"{FOLDER}/home-network.json"
    wanted = topic_files(json_path, files[json_path])
    assert wanted == [f"{CONTENT}/{name}.md" for name in (
        "ip-addresses@ipA7dR3sKx9LmQ2wZt5Vb", "subnets-and-masks@snM4kP8qRz1XyT6vLw3Jd",
        "name-resolution-dns@dnS5rV2mQx8KpL4tZw9Ye", "resolvers--caching@rsC3vH7nLq1MzK9xTp6Wf",
        "wi-fi@wfI6pK1zXr5NqM8vLt2Dg", "port-forwarding@pfW9tL4xMq7KzR2vNp5Hh",
        "mesh-systems@msY2kQ6vNz3LxP8rTw1Ji")]
    # Fetching only those (one has no file) gives the same roadmap as the whole folder.
    fetched = {path: files[path] for path in [json_path, f"{FOLDER}/home-network.md", *wanted]
               if path in files}
    assert convert(fetched).files == convert(files).files
