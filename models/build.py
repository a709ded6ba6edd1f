"""CLI: build the models of models/manifest.toml into a Transformers.js output folder.

    python -m models.build --out dist/models [--cache .cache/models] [--only tiny|real|ID...]

Each model is built once per machine (see models/cache.py); a rerun with nothing changed only
links the cached folders into --out and rewrites manifest.json. Exit status 1 on any failure,
with a message naming the model and the step.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from builder.errors import BuildError
from models.cache import Cache, FetchError
from models.checks import CheckError, check_embedder, check_generator
from models.layout import copy_configs, describe_files, install, model_entry, write_manifest
from models.manifest import DTYPE_FILES, MANIFEST_PATH, ManifestError, ModelSpec, load_manifest
from models.progress import Progress


def build_model(spec: ModelSpec, cache: Cache) -> dict[str, Any]:
    """Build `spec` into its cache folder (unless already there); returns its build record."""
    if cache.is_done(spec):
        return cache.read_record(spec)
    log = cache.log_path(spec)
    log.write_text("")
    progress = Progress(spec.id, log)
    started = time.perf_counter()
    work = cache.work_dir(spec)
    target = cache.build_dir(spec)
    shutil.rmtree(target, ignore_errors=True)
    (target / "onnx").mkdir(parents=True)
    from models.export import export_onnx
    from models.quantize import quantize
    from models.sources import prepare_hf

    with progress.step("fetch and convert to Hugging Face"):
        hf_dir, source_figures = prepare_hf(spec, cache, work)
        copy_configs(hf_dir, target, spec.role)
    with progress.step("export onnx"):
        fp32 = export_onnx(hf_dir, work / "onnx", spec.role)
    for dtype in spec.all_dtypes:
        with progress.step(f"quantize {dtype}"):
            quantize(fp32, dtype, target / "onnx" / DTYPE_FILES[dtype])
    with progress.step("check against PyTorch"):
        if spec.role == "embedder":
            figures = check_embedder(hf_dir, target, spec.all_dtypes, spec.checks)
        else:
            figures = check_generator(hf_dir, target, fp32, spec.all_dtypes, spec.checks)
    figures.values = {**source_figures, **figures.values}
    progress.say(f"measured: {figures.line()}")
    with progress.step("hash files"):
        files = describe_files(target)
    record = {
        "key": cache.key(spec),
        "files": files,
        "checks": figures.values,
        "seconds": {**progress.times, "total": round(time.perf_counter() - started, 1)},
    }
    cache.finish(spec, record)
    shutil.rmtree(work, ignore_errors=True)
    progress.say(f"built in {record['seconds']['total']:.1f} s, {_size(files)}")
    return record


def _size(files: list[dict[str, Any]]) -> str:
    onnx = [f for f in files if f["path"].startswith("onnx/")]
    return ", ".join(f"{f['path']} {f['size'] / 1e6:.1f} MB" for f in onnx)


def _previous_entries(out: Path) -> dict[str, dict[str, Any]]:
    path = out / "manifest.json"
    if not path.is_file():
        return {}
    try:
        models = json.loads(path.read_text())["models"]
    except (ValueError, KeyError):
        return {}
    return {m["id"]: m for m in models}


def run(out: Path, cache_root: Path, only: list[str], manifest_path: Path) -> int:
    manifest = load_manifest(manifest_path)
    selected = manifest.select(only)
    cache = Cache(cache_root)
    out.mkdir(parents=True, exist_ok=True)
    entries = {
        model_id: entry
        for model_id, entry in _previous_entries(out).items()
        if (out / model_id).is_dir() and model_id in {m.id for m in manifest.models}
    }
    for spec in selected:
        with cache.lock(spec):
            cached = cache.is_done(spec)
            record = build_model(spec, cache)
            start = time.perf_counter()
            install(cache.build_dir(spec), out / spec.id)
        how = "cached" if cached else "built"
        print(f"[{spec.id}] {how}, installed in {time.perf_counter() - start:.1f} s", flush=True)
        entries[spec.id] = model_entry(spec, out / spec.id, record)
    path = write_manifest(out, list(entries.values()))
    print(f"wrote {path} ({len(entries)} models)", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder, e.g. dist/models")
    parser.add_argument("--cache", type=Path, default=Path(".cache/models"), help="build cache")
    parser.add_argument("--only", nargs="*", default=[], help="tiny, real, or model ids")
    parser.add_argument("--manifest", type=Path, default=MANIFEST_PATH, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        code = run(args.out, args.cache, args.only, args.manifest)
    except (BuildError, ManifestError, FetchError, CheckError) as exc:
        print(f"\nerror: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"done in {time.perf_counter() - started:.1f} s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
