"""``origin:`` marks a topic whose text was imported (from roadmap.sh): such a topic may be
shorter than our own writing must be, and is held to every other rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from builder.content.tree import read_tree
from tests.builder.content.test_tree import problems_of

Tree = Callable[..., Path]
GAMMA = "en/demo/gamma.md"


def shorten(root: Path, front: str, prose: str) -> None:
    """Give gamma.md the front matter lines ``front`` and the prose ``prose``."""
    path = root / GAMMA
    text = path.read_text(encoding="utf-8")
    text = text.replace("level: advanced\n", f"level: advanced\n{front}")
    text = re.sub(r"(# Gamma steps\n).*?(## Resources)", rf"\1\n{prose}\n\n\2", text, flags=re.S)
    path.write_text(text, encoding="utf-8")


def test_an_imported_topic_may_be_short(tree: Tree) -> None:
    root = tree(("en",))
    shorten(root, "origin: roadmap.sh/demo@n1\n", "Two words.")
    gamma = read_tree(root)[0].topics["gamma"]
    assert (gamma.origin, gamma.words) == ("roadmap.sh/demo@n1", 2)


def test_without_origin_the_same_topic_is_too_short(tree: Tree) -> None:
    root = tree(("en",))
    shorten(root, "", "Two words.")
    assert problems_of(root) == [f"content/{GAMMA}:5: topic has 2 words of prose; at least 150 needed"]


def test_an_empty_origin_is_refused(tree: Tree) -> None:
    root = tree(("en",))
    shorten(root, "origin:\n", "Two words.")
    assert problems_of(root) == [f"content/{GAMMA}:4: 'origin:' is empty; name where the imported "
                                 "text came from, or remove the line"]


def test_an_imported_topic_still_has_a_maximum(tree: Tree) -> None:
    root = tree(("en",))
    shorten(root, "origin: roadmap.sh/demo@n1\n", "word " * 1300)
    assert problems_of(root) == [f"content/{GAMMA}:6: topic is oversized: 1300 words of prose; "
                                 "at most 1200, split it into several topics"]
