"""The Transformers.js folder of a model and the generated `<out>/manifest.json`.

A model folder holds config.json, tokenizer.json, tokenizer_config.json,
generation_config.json (generators) and onnx/<file per dtype>. manifest.json lists every model
in the output folder with its metadata, its dtypes per device and each file's size and sha256.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from models.cache import sha256_file
from models.manifest import DTYPE_FILES, ModelSpec

MANIFEST_SCHEMA = 1
CONFIG_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json")


def copy_configs(hf_dir: Path, target: Path, role: str) -> None:
    """Copy the config and tokenizer files Transformers.js reads from `hf_dir` into `target`."""
    names = CONFIG_FILES + (("generation_config.json",) if role == "generator" else ())
    for name in names:
        source = hf_dir / name
        if not source.is_file():
            raise FileNotFoundError(f"Converted model lacks {name} in {hf_dir}")
        shutil.copy2(source, target / name)


def describe_files(folder: Path) -> list[dict[str, Any]]:
    """Every file under `folder` except build bookkeeping, with size and sha256, sorted by path."""
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name in ("build.json", "done"):
            continue
        entries.append(
            {
                "path": path.relative_to(folder).as_posix(),
                "size": path.stat().st_size,
                "sha256": sha256_file(path),
            }
        )
    return entries


def model_entry(spec: ModelSpec, folder: Path, record: dict[str, Any]) -> dict[str, Any]:
    """The manifest.json entry of one built model."""
    config = json.loads((folder / "config.json").read_text())
    entry: dict[str, Any] = {
        "id": spec.id,
        "role": spec.role,
        "tier": spec.tier,
        "architecture": spec.architecture,
        "original": spec.original,
        "license": spec.license,
        "source": [{"name": p.name, "version": p.version, "sha256": p.sha256} for p in spec.packages]
        or "generated in-process (random weights)",
        "dtypes": {device: list(names) for device, names in spec.dtypes.items()},
        "dtype_files": {d: f"onnx/{DTYPE_FILES[d]}" for d in spec.all_dtypes},
    }
    if spec.role == "embedder":
        entry["dim"] = config["hidden_size"]
        entry["max_tokens"] = min(512, config["max_position_embeddings"])
        entry["prefixes"] = spec.params.get("prefixes", {"query": "", "passage": ""})
        entry["pooling"] = "mean"
        entry["normalize"] = True
    else:
        entry["context_length"] = config["max_position_embeddings"]
        entry["vocab_size"] = config["vocab_size"]
    entry["files"] = record["files"]
    entry["build"] = {"key": record["key"], "checks": record["checks"], "seconds": record["seconds"]}
    return entry


def install(source: Path, target: Path) -> None:
    """Make `target` a copy of the model folder `source` (hard links where the disk allows)."""
    if target.exists():
        shutil.rmtree(target)
    for path in source.rglob("*"):
        if not path.is_file() or path.name in ("build.json", "done"):
            continue
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)


def write_manifest(out: Path, entries: list[dict[str, Any]]) -> Path:
    """Write `<out>/manifest.json` listing `entries` (sorted by id)."""
    document = {
        "schema": MANIFEST_SCHEMA,
        "generator": "python -m models.build",
        "dtype_files": DTYPE_FILES,
        "models": sorted(entries, key=lambda e: e["id"]),
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
