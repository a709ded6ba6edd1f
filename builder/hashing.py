"""Content-hashed file names: a file whose name carries the hash of its bytes can be
cached forever, because new bytes get a new name."""

from __future__ import annotations

import hashlib
from pathlib import Path


def content_hash(data: bytes) -> str:
    """Return the first 12 hex digits of the SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()[:12]


def write_hashed(out: Path, stem: str, suffix: str, data: bytes) -> str:
    """Write ``data`` as ``out/stem.<hash>suffix``, drop older versions of it, and return
    the file name."""
    name = f"{stem}.{content_hash(data)}{suffix}"
    for old in out.glob(f"{stem}.*{suffix}"):
        if old.name != name:
            old.unlink()
    target = out / name
    if not target.exists():
        target.write_bytes(data)
    return name
