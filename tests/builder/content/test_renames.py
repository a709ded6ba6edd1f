"""The id-migration map (``formerly:``): renames, moves and merges reach library.json;
each broken map is a ``path:line: message`` and nothing is published."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.errors import LibraryError
from app.core.library.catalog import Library
from builder.content.__main__ import main
from builder.content.library import library_dict
from builder.content.tree import read_tree
from contracts.library import LibraryFormatError, check_renames
from tests.app.core.library.test_catalog import DATA
from tests.builder.content.conftest import edit
from tests.builder.content.test_tree import problems_of

Tree = Callable[..., Path]


def formerly(root: Path, slug: str, ids: str, langs: tuple[str, ...] = ("en", "ru")) -> None:
    for lang in langs:
        edit(root / lang / "demo" / f"{slug}.md", "level:", f"formerly: {ids}\nlevel:")


def test_renames_moves_and_merges_go_into_the_library(tree: Tree) -> None:
    root = tree()
    formerly(root, "gamma", "demo.old-gamma, other.moved-here, demo.merged-away")
    data = library_dict(read_tree(root))
    assert data["renames"] == {"demo.old-gamma": "demo.gamma", "other.moved-here": "demo.gamma",
                               "demo.merged-away": "demo.gamma"}
    library = Library.from_dict(data)
    assert library.migrate_topic_id("other.moved-here") == "demo.gamma"
    assert library.migrate_topic_id("demo.alpha") == "demo.alpha"  # not renamed: itself


def test_an_old_id_still_in_use_is_refused(tree: Tree) -> None:
    root = tree()
    formerly(root, "gamma", "demo.beta")
    assert problems_of(root) == [
        "content/en/demo/gamma.md:3: formerly: 'demo.beta' is still the id of content/en/demo/beta.md; "
        "an id can be retired only when no topic has it"]


def test_one_old_id_leading_to_two_topics_is_refused(tree: Tree) -> None:
    root = tree()
    formerly(root, "beta", "demo.old")
    formerly(root, "gamma", "demo.old")
    assert problems_of(root) == [
        "content/en/demo/gamma.md:3: formerly: 'demo.old' already leads to 'demo.beta' "
        "(content/en/demo/beta.md:3); an old id can lead to one topic only"]


def test_malformed_own_and_repeated_ids_are_each_named(tree: Tree) -> None:
    root = tree()
    formerly(root, "gamma", "Not An Id, demo.gamma, demo.x, demo.x")
    assert problems_of(root) == [
        "content/en/demo/gamma.md:3: formerly: 'Not An Id' is not a topic id like '<roadmap>.<slug>'",
        "content/en/demo/gamma.md:3: formerly: 'demo.gamma' is this topic's own id",
        "content/en/demo/gamma.md:3: formerly: 'demo.x' is listed twice",
    ]


def test_an_empty_list_and_a_translation_that_differs_are_refused(tree: Tree) -> None:
    root = tree()
    formerly(root, "alpha", "", langs=("en",))
    formerly(root, "gamma", "demo.old", langs=("en",))
    formerly(root, "gamma", "demo.other", langs=("ru",))
    assert problems_of(root) == [
        "content/en/demo/alpha.md:3: 'formerly:' lists no ids; give the topic's old ids separated "
        "by commas, or remove the line",
        "content/ru/demo/gamma.md:3: formerly: demo.other differs from the original's demo.old "
        "(content/en/demo/gamma.md)",
    ]


def test_the_compiler_prints_the_problems_and_publishes_nothing(
        tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tree()
    formerly(root, "gamma", "demo.beta")
    out = tmp_path / "out"
    assert main(["--content", str(root), "--out", str(out), "--check"]) == 1
    assert "content/en/demo/gamma.md:3: formerly: 'demo.beta' is still the id" in capsys.readouterr().err
    assert not out.exists()


def test_the_contract_refuses_a_chain_a_current_id_and_an_unknown_target() -> None:
    assert check_renames({"a.x": "a.y"}, {"a.y"}) == {"a.x": "a.y"}
    with pytest.raises(LibraryFormatError, match=re.escape("'a.x' leads to 'a.y', which is renamed again")):
        check_renames({"a.x": "a.y", "a.y": "a.z"})
    with pytest.raises(LibraryFormatError, match=re.escape("'a.y' is a current topic")):
        check_renames({"a.y": "a.z"}, {"a.y", "a.z"})
    with pytest.raises(LibraryFormatError, match=re.escape("leads to 'a.q', which is no topic")):
        check_renames({"a.x": "a.q"}, {"a.y"})
    with pytest.raises(LibraryFormatError, match=re.escape("'bad id' is not a topic id")):
        check_renames({"bad id": "a.y"})
    with pytest.raises(LibraryError, match=re.escape("renames: 'py.gone' leads to 'py.nowhere'")):
        Library.from_dict({**DATA, "renames": {"py.gone": "py.nowhere"}})
