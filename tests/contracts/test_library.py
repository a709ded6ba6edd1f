"""The compiled-library format, seen from both sides: what the compiler writes is what
the app reads, checked on a real compile of the test fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.core.errors import LibraryError
from app.core.library.catalog import Library
from builder.content.library import write_library
from builder.content.tree import read_tree
from contracts import library as format_

FIXTURES = Path(__file__).resolve().parents[1] / "builder/content/fixtures/good"


class CountingEmbedder:
    """Records the prefix it was asked for; returns unit vectors."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.prefixes: list[str] = []

    def embed(self, texts: list[str], prefix: str = "") -> Any:
        self.prefixes.append(prefix)
        vectors = np.ones((len(texts), self.dim), dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_what_the_compiler_writes_the_app_reads(tmp_path: Path) -> None:
    embedder = CountingEmbedder(4)
    model = {"id": "e", "dtype": "q8", "dim": 4, "prefixes": {"passage": "passage: ", "query": "query: "}}
    written = write_library(read_tree(FIXTURES), tmp_path / "out", embedder, model)
    assert embedder.prefixes == ["passage: "]
    data = json.loads((tmp_path / "out/library.json").read_text(encoding="utf-8"))
    library = Library.from_dict(data)
    assert library.retrieval == written["retrieval"]
    assert library.retrieval["query_prefix"] == "query: "
    rows = json.loads((tmp_path / "out" / Path(library.retrieval["passages"]).name).read_text("utf-8"))
    assert format_.check_passages(rows, library.retrieval["count"]) == rows
    vectors = (tmp_path / "out" / Path(library.retrieval["vectors"]).name).read_bytes()
    assert len(vectors) == 4 * library.retrieval["count"] * library.retrieval["dim"]


def test_a_malformed_retrieval_section_names_the_field() -> None:
    section = {name: kind() for name, kind in format_.RETRIEVAL_FIELDS.items()}
    assert format_.check_retrieval(section) == section
    with pytest.raises(format_.LibraryFormatError, match="field 'count' must be int"):
        format_.check_retrieval({**section, "count": "3"})
    with pytest.raises(LibraryError, match="field 'query_prefix' must be str"):
        Library.from_dict({"format": format_.FORMAT, "roadmaps": [], "topics": [],
                           "retrieval": {k: v for k, v in section.items() if k != "query_prefix"}})


def test_passage_rows_are_checked_against_the_count() -> None:
    row = format_.passage_row("t", "en", "r", "T", "text")
    assert format_.check_passages([row], 1) == [row]
    with pytest.raises(format_.LibraryFormatError, match="has 1 rows; the library says 2"):
        format_.check_passages([row], 2)
    with pytest.raises(format_.LibraryFormatError, match="passage 0: field 'text' must be str"):
        format_.check_passages([{**row, "text": None}], 1)
