"""Precompressed copies written by builder/compress.py."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import brotli
import pytest

from builder.compress import cached_encode, compress_tree, encode

TEXT = b"body { color: green; }\n" * 400


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_copies_decode_to_the_original_and_skip_what_does_not_shrink(tmp_path: Path) -> None:
    noise = os.urandom(5000)
    root = tree(tmp_path / "dist", {"a.css": TEXT, "noise.js": noise, "m/model.onnx": TEXT,
                                    "app.zip": TEXT})
    copies = compress_tree(root, cache=None)
    assert sorted(p.name for p in copies) == ["a.css.br", "a.css.gz"]
    assert brotli.decompress((root / "a.css.br").read_bytes()) == TEXT
    assert gzip.decompress((root / "a.css.gz").read_bytes()) == TEXT
    assert not (root / "noise.js.br").exists()  # random bytes: a copy would not be smaller


def test_a_rebuild_rewrites_a_changed_file_and_drops_copies_of_removed_ones(tmp_path: Path) -> None:
    root = tree(tmp_path / "dist", {"a.css": TEXT, "old.js": TEXT})
    compress_tree(root, cache=None)
    changed = TEXT.replace(b"green", b"blue")
    (root / "a.css").write_bytes(changed)
    later = (root / "a.css.br").stat().st_mtime_ns + 10**9
    os.utime(root / "a.css", ns=(later, later))
    (root / "old.js").unlink()
    compress_tree(root, cache=None)
    assert brotli.decompress((root / "a.css.br").read_bytes()) == changed
    assert gzip.decompress((root / "a.css.gz").read_bytes()) == changed
    assert sorted(p.name for p in root.iterdir()) == ["a.css", "a.css.br", "a.css.gz"]


def test_the_cache_is_keyed_by_content(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = cached_encode(TEXT, "br", cache)
    assert first == encode(TEXT, "br") and len(list(cache.iterdir())) == 1
    # A cached entry is what a second build gets, without compressing again.
    entry = next(cache.iterdir())
    entry.write_bytes(b"from the cache")
    assert cached_encode(TEXT, "br", cache) == b"from the cache"
    assert cached_encode(TEXT + b"x", "br", cache) != b"from the cache"


def test_gzip_is_deterministic_and_unknown_encodings_are_refused() -> None:
    assert encode(TEXT, "gzip") == encode(TEXT, "gzip")
    with pytest.raises(ValueError, match=r"unknown encoding 'zstd'; known: \['br', 'gzip'\]"):
        encode(TEXT, "zstd")
