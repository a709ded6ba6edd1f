"""Hostile or unusual bytes in topic files: refused at the source with path:line, or
accepted when an author would expect it (a UTF-8 byte-order mark)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from builder.content.tree import read_tree
from tests.builder.content.conftest import edit
from tests.builder.content.test_tree import problems_of

Tree = Callable[..., Path]


@pytest.mark.parametrize(
    "url",
    [
        'https://x"onclick="alert.call"',
        "https://x'onmouseover='alert.call'",
        "https://example.org/a<script>",
        "https://example.org/a\\b",
        "https://example.org/`x`",
    ],
)
def test_resource_url_that_could_break_out_of_an_attribute_is_refused(tree: Tree, url: str) -> None:
    root = tree(("en",))
    edit(root / "en/demo/beta.md", "(https://example.org/beta)", f"({url})")
    problems = problems_of(root)
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/en/demo/beta.md:18: resource URL ")
    assert "has characters a URL may not hold" in problems[0]


def test_ordinary_resource_urls_are_accepted(tree: Tree) -> None:
    root = tree(("en",))
    url = "https://example.org:8443/a-b_c.d~e/%20f?q=1&r=a+b;c=d#frag:ment@x"
    edit(root / "en/demo/beta.md", "(https://example.org/beta)", f"({url})")
    beta = read_tree(root)[0].topics["beta"]
    assert beta.resources[-1].url == url


def test_nul_in_the_title_is_refused_with_line_and_column(tree: Tree) -> None:
    root = tree(("en",))
    edit(root / "en/demo/beta.md", "# Beta steps", "# Beta\x00 steps")
    assert problems_of(root) == ["content/en/demo/beta.md:5: control character U+0000 at column 7; remove it"]


def test_escape_character_in_a_resource_title_is_refused(tree: Tree) -> None:
    root = tree(("en",))
    edit(root / "en/demo/beta.md", "[@article@Another reading]", "[@article@Another\x1b[31m reading]")
    assert problems_of(root) == [
        "content/en/demo/beta.md:18: control character U+001B at column 20; remove it"
    ]


def test_byte_order_mark_before_the_front_matter_is_accepted(tree: Tree) -> None:
    root = tree(("en",))
    beta = root / "en/demo/beta.md"
    beta.write_bytes(b"\xef\xbb\xbf" + beta.read_bytes())
    topic = read_tree(root)[0].topics["beta"]
    assert (topic.id, topic.id_line, topic.title) == ("demo.beta", 2, "Beta steps")


def test_byte_order_mark_before_a_roadmap_is_accepted(tree: Tree) -> None:
    root = tree(("en",))
    roadmap = root / "en/demo/roadmap.md"
    roadmap.write_bytes(b"\xef\xbb\xbf" + roadmap.read_bytes())
    assert read_tree(root)[0].roadmap.id == "demo"
