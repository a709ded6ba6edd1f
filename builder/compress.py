"""Precompressed copies of the site's text and wasm files: ``name.br`` and ``name.gz``
beside ``name``, for a server (or a static host) to send by Accept-Encoding.

Brotli at quality 11 is slow on big files (94 s for Pyodide's 9.6 MB wasm on this
machine, 12 % smaller than quality 9 in 10 s), so files over ``MAX_BEST_BYTES`` get
quality 9. Results are kept in a per-machine cache keyed by the input's SHA-256, so a
rebuild, or a test building its own dist, compresses only what is new.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
from pathlib import Path

import brotli

# What a browser downloads as text or wasm; zips, images and model weights are left
# alone (already compressed, or fetched by byte range).
COMPRESSIBLE = frozenset({
    ".html", ".css", ".js", ".mjs", ".json", ".toml", ".txt", ".md", ".svg",
    ".webmanifest", ".wasm", ".map",
})
ENCODINGS = {"br": ".br", "gzip": ".gz"}
MAX_BEST_BYTES = 4 * 1024 * 1024
# A copy that saves less than this is not worth a second file.
MIN_SAVING = 0.05
DEFAULT_CACHE = Path(os.environ.get("TROPA_COMPRESS_CACHE",
                                    Path.home() / ".cache" / "tropa" / "compressed"))


def encode(data: bytes, encoding: str) -> bytes:
    """``data`` compressed as ``encoding`` (``br`` or ``gzip``), deterministically."""
    if encoding == "br":
        quality = 11 if len(data) <= MAX_BEST_BYTES else 9
        return bytes(brotli.compress(data, quality=quality))
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    raise ValueError(f"unknown encoding {encoding!r}; known: {sorted(ENCODINGS)}")


def cached_encode(data: bytes, encoding: str, cache: Path | None) -> bytes:
    """``encode`` through the cache folder ``cache`` (None: no cache)."""
    if cache is None:
        return encode(data, encoding)
    entry = cache / f"{hashlib.sha256(data).hexdigest()}{ENCODINGS[encoding]}"
    if entry.is_file():
        return entry.read_bytes()
    result = encode(data, encoding)
    cache.mkdir(parents=True, exist_ok=True)
    partial = entry.with_suffix(entry.suffix + f".{os.getpid()}.part")
    partial.write_bytes(result)
    partial.replace(entry)
    return result


def wanted(path: Path) -> bool:
    return path.suffix.lower() in COMPRESSIBLE


def compress_file(path: Path, cache: Path | None) -> list[Path]:
    """Write ``path.br`` and ``path.gz`` unless they are newer than ``path`` already;
    remove a copy that would not save ``MIN_SAVING``. Returns the copies that exist."""
    written = []
    data: bytes | None = None
    mtime = path.stat().st_mtime_ns
    for encoding, suffix in ENCODINGS.items():
        target = path.with_name(path.name + suffix)
        if target.is_file() and target.stat().st_mtime_ns >= mtime:
            written.append(target)
            continue
        if data is None:
            data = path.read_bytes()
        encoded = cached_encode(data, encoding, cache)
        if len(encoded) > len(data) * (1 - MIN_SAVING):
            target.unlink(missing_ok=True)
            continue
        target.write_bytes(encoded)
        written.append(target)
    return written


def compress_tree(root: Path, cache: Path | None = DEFAULT_CACHE) -> list[Path]:
    """Precompress every compressible file under ``root``; drop copies whose original
    is gone. Returns the copies written or kept."""
    copies: list[Path] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix in ENCODINGS.values():
            original = path.with_suffix("")
            if not original.is_file() or not wanted(original):
                path.unlink()
            continue
        if wanted(path):
            copies.extend(compress_file(path, cache))
    return copies


def main(argv: list[str] | None = None) -> int:
    """``python -m builder.compress DIR``: precompress DIR (what the content build writes)."""
    parser = argparse.ArgumentParser(prog="python -m builder.compress", description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root} is not a folder")
    copies = compress_tree(args.root, args.cache)
    print(f"[compress] {args.root}: {len(copies)} precompressed copies")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
