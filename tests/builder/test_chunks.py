"""builder.chunks: the chunk manifest the worker's model store checks every chunk against."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from builder.chunks import build_chunks, file_chunks, write_chunks
from builder.errors import BuildError


def make_models(root: Path, files: dict[str, bytes]) -> None:
    entries = []
    for path, data in files.items():
        (root / "m" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "m" / path).write_bytes(data)
        entries.append({"path": path, "size": len(data)})
    (root / "manifest.json").write_text(json.dumps({"models": [{"id": "m", "files": entries}]}))


def test_chunks_cover_the_file_in_bounded_pieces(tmp_path: Path) -> None:
    data = bytes(range(256)) * 41  # 10,496 bytes: 2 full chunks of 4096 and one of 2304
    make_models(tmp_path, {"onnx/model.onnx": data, "config.json": b"{}"})
    document = build_chunks(tmp_path, chunk_bytes=4096)
    spec = document["models"]["m"]["onnx/model.onnx"]
    assert document["chunk_bytes"] == 4096
    assert spec["size"] == len(data)
    assert spec["chunks"] == [hashlib.sha256(data[i:i + 4096]).hexdigest() for i in (0, 4096, 8192)]
    assert document["models"]["m"]["config.json"]["chunks"] == [hashlib.sha256(b"{}").hexdigest()]


def test_an_exact_multiple_has_no_empty_last_chunk(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 8)
    assert len(file_chunks(tmp_path / "f", 4)) == 2
    (tmp_path / "e").write_bytes(b"")
    assert file_chunks(tmp_path / "e", 4) == [hashlib.sha256(b"").hexdigest()]


def test_a_size_that_differs_from_the_manifest_is_refused(tmp_path: Path) -> None:
    make_models(tmp_path, {"config.json": b"{}"})
    (tmp_path / "m/config.json").write_bytes(b"{ }")
    with pytest.raises(BuildError, match=r"3 bytes, but .* says 2"):
        build_chunks(tmp_path)


def test_write_chunks_writes_beside_the_manifest(tmp_path: Path) -> None:
    make_models(tmp_path, {"config.json": b"{}"})
    target = write_chunks(tmp_path)
    assert target == tmp_path / "chunks.json"
    assert json.loads(target.read_text())["models"]["m"]["config.json"]["size"] == 2
