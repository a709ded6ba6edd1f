"""The course pack index (contracts.pack), as the builder writes and the browser reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from builder.content.pack import index_of, write_index
from builder.content.problems import ContentError
from contracts.pack import PackIndexError, check_index, parse_index

ROOT = Path(__file__).resolve().parents[2]
KITCHEN = ROOT / "tests/support/packs/kitchen"


def test_the_committed_fixture_index_is_what_the_cli_writes() -> None:
    written = json.loads((KITCHEN / "tropa-pack.json").read_text(encoding="utf-8"))
    assert written == index_of(KITCHEN, "Kitchen basics", "en").as_json()
    assert parse_index(json.dumps(written)).files[0].path == "en/kitchen/boiling-eggs.md"


def row(**changes: Any) -> dict[str, Any]:
    return {"path": "en/kitchen/roadmap.md", "sha256": "a" * 64, "bytes": 10, **changes}


@pytest.mark.parametrize(("data", "why"), [
    ({"format": 2}, "index format 2 is not supported"),
    ({"format": 1, "title": "", "language": "en", "files": [row()]}, "'title' must be 1 to"),
    ({"format": 1, "title": "T", "language": "de", "files": [row()]}, "unknown language 'de'"),
    ({"format": 1, "title": "T", "language": "en", "files": []}, "must list 1 to"),
    ({"format": 1, "title": "T", "language": "en", "files": [row(path="../x.md")]}, "is not '<lang>"),
    ({"format": 1, "title": "T", "language": "en", "files": [row(), row()]}, "listed twice"),
    ({"format": 1, "title": "T", "language": "en", "files": [row(sha256="xyz")]}, "64 lowercase hex"),
    ({"format": 1, "title": "T", "language": "en", "files": [row(bytes=10**9)]}, "a file may have"),
])
def test_a_malformed_index_names_its_problem(data: dict[str, Any], why: str) -> None:
    with pytest.raises(PackIndexError, match=why.replace("(", r"\(")):
        check_index(data)


def test_the_cli_writes_no_index_for_a_broken_pack(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    (folder / "en/kitchen").mkdir(parents=True)
    (folder / "en/kitchen/roadmap.md").write_text("# no front matter\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"en/kitchen/roadmap\.md:1: missing front matter"):
        write_index(folder, "T", "en")
    assert not (folder / "tropa-pack.json").exists()
