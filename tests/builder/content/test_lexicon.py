"""The content compiler writes the lexical index the tutor reads in the browser."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from app.core.library.catalog import Library
from app.core.tutor.glossary import groups
from app.core.tutor.lexical import Lexicon
from builder.content.library import write_library
from builder.content.tree import read_tree
from contracts import library as format_
from models.embedder import Embedder

Tree = Callable[..., Path]


def test_the_library_points_at_a_lexical_index_of_its_passages(
    tree: Tree, tiny_models: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist" / "content"
    dim = json.loads((tiny_models / "tiny-embedder/config.json").read_text())["hidden_size"]
    library = write_library(read_tree(tree()), out, Embedder(tiny_models / "tiny-embedder"),
                            {"id": "tiny-embedder", "dtype": "q8", "dim": dim, "prefixes": {}})
    retrieval = library["retrieval"]
    name = Path(retrieval["lexicon"]).name
    assert retrieval["lexicon"] == f"/content/{name}" and name.startswith("lexicon.")
    passages = json.loads((out / Path(retrieval["passages"]).name).read_text(encoding="utf-8"))
    lexicon = Lexicon.from_json(json.loads((out / name).read_text(encoding="utf-8")), len(passages))
    # Every passage's title and text are in it, as the embedder saw them.
    scores, _ = lexicon.scores(groups(passages[0]["title"]))
    assert 0 in scores
    # The app's catalog keeps the field (contracts.library.OPTIONAL_RETRIEVAL_FIELDS).
    assert Library.from_dict(library).retrieval["lexicon"] == retrieval["lexicon"]


def test_the_lexicon_field_is_optional_and_checked() -> None:
    section = {name: kind() for name, kind in format_.RETRIEVAL_FIELDS.items()}
    assert "lexicon" not in format_.check_retrieval(section)
    assert format_.check_retrieval({**section, "lexicon": "/content/lexicon.x.json"})["lexicon"]
    with pytest.raises(format_.LibraryFormatError, match="lexicon"):
        format_.check_retrieval({**section, "lexicon": 3})
