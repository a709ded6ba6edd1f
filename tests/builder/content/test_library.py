"""Compiling checked content into library.json, passages and vectors."""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from builder.content import __main__ as cli
from builder.content.chunks import split_passages
from builder.content.library import library_dict, passages_of, premium_dict, write_library
from builder.content.problems import ContentError
from builder.content.render import to_html
from builder.content.tree import read_tree
from models.embedder import Embedder
from tests.builder.content.conftest import edit

Tree = Callable[..., Path]


def test_library_dict_maps_slugs_to_ids_and_keeps_trail_order(tree: Tree) -> None:
    library = library_dict(read_tree(tree()))
    assert [(r["id"], r["lang"]) for r in library["roadmaps"]] == [("demo", "en"), ("demo", "ru")]
    en = library["roadmaps"][0]
    assert en["sections"] == [
        {"title": "First section", "topics": ["demo.alpha", "demo.beta"]},
        {"title": "Second section", "topics": ["demo.gamma"]},
    ]
    gamma = next(t for t in library["topics"] if t["id"] == "demo.gamma" and t["lang"] == "en")
    assert gamma["requires"] == ["demo.alpha", "demo.beta"]
    assert gamma["source"] == "content/en/demo/gamma.md"
    assert "<pre tabindex=\"0\"><code class=\"language-python\">" in gamma["html"]
    assert "Resources" not in gamma["html"]  # resources are data, not prose


def test_markup_in_content_is_escaped_not_executed() -> None:
    html = to_html("Try <script>alert(1)</script> and [click](javascript:alert(1)).")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # the unsafe link stays inert text


def test_passages_keep_code_blocks_whole_and_respect_the_word_limit() -> None:
    paragraphs = [" ".join(["word"] * 50) for _ in range(5)]
    code = "```python\n" + "\n".join(f"x{i} = {i}" for i in range(40)) + "\n\nblank above\n```"
    passages = split_passages("\n\n".join([*paragraphs[:2], code, *paragraphs[2:]]), max_words=120)
    assert len(passages) == 3
    assert code in passages[0]  # 100 words + the code block fit one passage
    assert all(passage.count("word") <= 120 for passage in passages)


def test_write_library_embeds_every_passage(tree: Tree, tiny_models: Path, tmp_path: Path) -> None:
    bundles = read_tree(tree())
    out = tmp_path / "dist" / "content"
    embedder = Embedder(tiny_models / "tiny-embedder")
    dim = json.loads((tiny_models / "tiny-embedder/config.json").read_text())["hidden_size"]
    prefixes = {"passage": "passage: ", "query": "query: "}
    library = write_library(bundles, out, embedder,
                            {"id": "tiny-embedder", "dtype": "q8", "dim": dim, "prefixes": prefixes})
    retrieval = library["retrieval"]
    passages = json.loads((out / Path(retrieval["passages"]).name).read_text(encoding="utf-8"))
    vectors = (out / Path(retrieval["vectors"]).name).read_bytes()
    assert retrieval["count"] == len(passages) > 6  # each topic gives at least one passage
    assert len(vectors) == retrieval["count"] * dim * 4
    assert hashlib.sha256(vectors).hexdigest() == retrieval["vectors_sha256"]
    assert {p["lang"] for p in passages} == {"en", "ru"}
    first = struct.unpack(f"<{dim}f", vectors[: dim * 4])
    assert sum(v * v for v in first) == pytest.approx(1.0, abs=1e-4)
    expected = embedder.embed([f"{passages[0]['title']}: {passages[0]['text']}"], prefix="passage: ")[0]
    # int8 dynamic quantization scales activations per batch, so a row embedded alone
    # differs slightly from the same row embedded in a batch.
    assert first == pytest.approx(list(expected), abs=3e-3)
    on_disk = json.loads((out / "library.json").read_text(encoding="utf-8"))
    assert on_disk == library


def test_cli_publishes_nothing_when_content_is_broken(
    tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tree(("en",))
    out = tmp_path / "published"
    out.mkdir()
    (out / "library.json").write_text("previous build", encoding="utf-8")
    edit(root / "en/demo/beta.md", "[@official@", "[@blog@")
    code = cli.main(["--content", str(root), "--out", str(out), "--embedder", str(tmp_path)])
    assert code == 1
    err = capsys.readouterr().err
    assert "content/en/demo/beta.md:17: unknown link type 'blog'" in err
    assert "1 problem(s); nothing was published" in err
    assert (out / "library.json").read_text(encoding="utf-8") == "previous build"


def test_cli_compiles_with_the_given_embedder(tree: Tree, tiny_models: Path, tmp_path: Path) -> None:
    out = tmp_path / "site" / "content-out"
    code = cli.main(["--content", str(tree()), "--out", str(out), "--premium-out",
                     str(tmp_path / "premium.json"), "--embedder", str(tiny_models / "tiny-embedder")])
    assert code == 0
    library = json.loads((out / "library.json").read_text(encoding="utf-8"))
    assert library["retrieval"]["model"] == "tiny-embedder"
    assert not out.with_name("content-out.staging").exists()


def _premium(root: Path, langs: tuple[str, ...] = ("en", "ru")) -> None:
    """Make the fixture's demo trail a premium one (in ``langs``)."""
    for lang in langs:
        edit(root / lang / "demo/roadmap.md", "id: demo\n", "id: demo\npremium: true\n")


def test_a_premium_trail_is_public_in_outline_only(tree: Tree) -> None:
    root = tree()
    _premium(root)
    bundles = read_tree(root)
    library = library_dict(bundles)
    assert {r["premium"] for r in library["roadmaps"]} == {True}
    gamma = next(t for t in library["topics"] if t["id"] == "demo.gamma" and t["lang"] == "en")
    assert gamma["premium"] is True
    assert (gamma["html"], gamma["resources"]) == ("", [])
    assert gamma["title"] and gamma["requires"] == ["demo.alpha", "demo.beta"]
    assert passages_of(bundles) == []  # nothing of the text in the tutor's public index
    bodies = premium_dict(bundles)
    assert bodies["format"] == 1
    rows = {(row["id"], row["lang"]): row for row in bodies["topics"]}
    assert len(rows) == 6
    assert "<pre tabindex=\"0\"><code class=\"language-python\">" in rows["demo.gamma", "en"]["html"]
    assert rows["demo.gamma", "en"]["resources"][0]["url"].startswith("https://")


def test_a_free_trail_has_no_premium_marks_and_no_premium_bodies(tree: Tree) -> None:
    bundles = read_tree(tree())
    library = library_dict(bundles)
    assert not any("premium" in item for item in [*library["roadmaps"], *library["topics"]])
    assert premium_dict(bundles)["topics"] == []


def test_premium_takes_true_or_false_and_a_translation_says_the_same(tree: Tree) -> None:
    root = tree()
    edit(root / "en/demo/roadmap.md", "id: demo\n", "id: demo\npremium: yes\n")
    with pytest.raises(ContentError) as error:
        read_tree(root)
    assert "content/en/demo/roadmap.md:3: premium must be 'true' or 'false', found 'yes'" in [
        str(p) for p in error.value.problems]
    shutil.rmtree(root)
    root = tree()
    _premium(root, ("en",))
    with pytest.raises(ContentError) as error:
        read_tree(root)
    assert [str(p) for p in error.value.problems] == [
        "content/ru/demo/roadmap.md:1: premium is false here but true in content/en/demo/roadmap.md"]


def test_the_cli_writes_premium_bodies_outside_the_site(
        tree: Tree, tiny_models: Path, tmp_path: Path) -> None:
    root = tree()
    _premium(root)
    out = tmp_path / "site" / "content"
    premium = tmp_path / "private" / "premium.json"
    assert cli.main(["--content", str(root), "--out", str(out), "--premium-out", str(premium),
                     "--embedder", str(tiny_models / "tiny-embedder")]) == 0
    rows = json.loads(premium.read_text(encoding="utf-8"))["topics"]
    secret = next(row["html"] for row in rows if row["id"] == "demo.gamma" and row["lang"] == "en")
    assert len(secret) > 100
    for path in (tmp_path / "site").rglob("*"):  # no word of it in the public files
        if path.is_file():
            assert secret not in path.read_text(encoding="utf-8", errors="replace"), path
    with pytest.raises(ValueError, match="inside the public site"):
        cli.main(["--content", str(root), "--out", str(out), "--premium-out",
                  str(tmp_path / "site" / "premium.json"), "--embedder", str(tiny_models / "tiny-embedder")])
