"""The chunk manifest of the built models: every model file cut into pieces of at most
``CHUNK_BYTES`` with the SHA-256 of each, written to ``<models>/chunks.json``.

The ML worker stores each model file in the browser as these chunks (one IndexedDB Blob
each: one value over 127 MiB fails, see docs/architecture.md), fetches a multi-chunk file
chunk by chunk with HTTP Range requests, and checks every chunk against its hash when it
writes and when it reads it. Chunk ``i`` of a file covers bytes
``[i * chunk_bytes, min(size, (i + 1) * chunk_bytes))``.

    python -m builder.chunks dist/models
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

from builder.errors import BuildError

CHUNK_BYTES = 16 * 1024 * 1024
SCHEMA = 1


def file_chunks(path: Path, chunk_bytes: int = CHUNK_BYTES) -> list[str]:
    """The SHA-256 (hex) of each ``chunk_bytes`` piece of ``path``; one for an empty file."""
    hashes: list[str] = []
    with path.open("rb") as handle:
        while True:
            piece = handle.read(chunk_bytes)
            if not piece and hashes:
                break
            hashes.append(hashlib.sha256(piece).hexdigest())
            if len(piece) < chunk_bytes:
                break
    return hashes


def build_chunks(models: Path, chunk_bytes: int = CHUNK_BYTES) -> dict[str, Any]:
    """The chunk manifest of every file listed in ``models/manifest.json``.

    Raises BuildError naming a file that is missing or whose size differs from the manifest.
    """
    manifest_path = models / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"{manifest_path}: cannot read the model manifest: {error}") from error
    entries: dict[str, dict[str, Any]] = {}
    for model in manifest["models"]:
        files: dict[str, Any] = {}
        for file in model["files"]:
            path = models / model["id"] / file["path"]
            if not path.is_file():
                raise BuildError(f"{path}: listed in {manifest_path} but not built")
            size = path.stat().st_size
            if size != file["size"]:
                raise BuildError(f"{path}: {size} bytes, but {manifest_path} says {file['size']}")
            files[file["path"]] = {"size": size, "chunks": file_chunks(path, chunk_bytes)}
        entries[model["id"]] = files
    return {"schema": SCHEMA, "generator": "python -m builder.chunks", "chunk_bytes": chunk_bytes,
            "models": entries}


def write_chunks(models: Path, chunk_bytes: int = CHUNK_BYTES) -> Path:
    """Write ``models/chunks.json`` (see ``build_chunks``) and return its path."""
    target = models / "chunks.json"
    text = json.dumps(build_chunks(models, chunk_bytes), indent=1, sort_keys=True)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("models", type=Path, help="the built models folder (with manifest.json)")
    parser.add_argument("--chunk-bytes", type=int, default=CHUNK_BYTES)
    args = parser.parse_args(argv)
    if args.chunk_bytes < 1:
        parser.error(f"--chunk-bytes must be at least 1, got {args.chunk_bytes}")
    try:
        print(write_chunks(args.models, args.chunk_bytes))
    except BuildError as error:
        raise SystemExit(f"builder.chunks: {error}") from error


if __name__ == "__main__":
    main()
