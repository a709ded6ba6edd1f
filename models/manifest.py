"""The model manifest (`models/manifest.toml`): loading and validation.

`load_manifest(path)` returns a `Manifest` of `ModelSpec`s or raises `ManifestError`
naming the model, the key and the bad value.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_PATH = Path(__file__).with_name("manifest.toml")

ROLES = ("embedder", "generator")
DEVICES = ("wasm", "webgpu")
# Transformers.js dtype name → file under onnx/ (Transformers.js 4.3 `DEFAULT_DTYPE_SUFFIX_MAPPING`).
DTYPE_FILES = {
    "fp32": "model.onnx",
    "q8": "model_quantized.onnx",
    "q4": "model_q4.onnx",
    "q4f16": "model_q4f16.onnx",
}
SOURCES = ("tiny-bert", "tiny-qwen2", "tiny-llama", "e5s1", "gguf", "hf-dir")
ARCHITECTURES = ("bert", "qwen2", "llama")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class ManifestError(ValueError):
    """A manifest entry is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class Package:
    """One pinned wheel: `name==version`, its sha256, and the member files the build reads."""

    name: str
    version: str
    sha256: str
    files: tuple[str, ...]

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class ModelSpec:
    """One model of the manifest, as declared (see manifest.toml for the meaning of each key)."""

    id: str
    role: str
    tier: str
    architecture: str
    source: str
    original: str
    license: str
    packages: tuple[Package, ...]
    dtypes: dict[str, tuple[str, ...]]
    params: dict[str, Any] = field(default_factory=dict)
    checks: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def all_dtypes(self) -> tuple[str, ...]:
        """Every dtype built for any device, in DTYPE_FILES order."""
        wanted = {d for ds in self.dtypes.values() for d in ds}
        return tuple(d for d in DTYPE_FILES if d in wanted)

    def digest(self) -> str:
        """sha256 of this entry's canonical JSON: part of the build cache key."""
        text = json.dumps(self.raw, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Manifest:
    models: tuple[ModelSpec, ...]

    def get(self, model_id: str) -> ModelSpec:
        for model in self.models:
            if model.id == model_id:
                return model
        known = ", ".join(m.id for m in self.models)
        raise ManifestError(f'Unknown model "{model_id}". Should be one of: {known}.')

    def select(self, only: list[str] | None) -> list[ModelSpec]:
        """Models named by `--only`: "tiny", "real", or model ids; all when `only` is empty."""
        if not only:
            return list(self.models)
        chosen: list[ModelSpec] = []
        for word in only:
            if word in ("tiny", "real"):
                picked = [m for m in self.models if m.tier == word]
            else:
                picked = [self.get(word)]
            chosen.extend(m for m in picked if m not in chosen)
        return chosen


def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and validate a manifest file. Raises ManifestError on any bad entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"Cannot read manifest {path}: {exc}") from exc
    return parse_manifest(data)


def parse_manifest(data: dict[str, Any]) -> Manifest:
    entries = data.get("model")
    if not isinstance(entries, list) or not entries:
        raise ManifestError("Manifest has no [[model]] entries.")
    models = tuple(_parse_model(entry, index) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for model in models:
        if model.id in seen:
            raise ManifestError(f'Model id "{model.id}" appears twice.')
        seen.add(model.id)
    return Manifest(models)


def _parse_model(entry: Any, index: int) -> ModelSpec:
    if not isinstance(entry, dict):
        raise ManifestError(f"Model #{index} is not a table.")
    model_id = entry.get("id")
    if not isinstance(model_id, str) or not _ID_RE.match(model_id):
        raise ManifestError(f"Model #{index} has a bad id {model_id!r}: want lowercase a-z0-9.-")
    where = f'Model "{model_id}"'
    role = _choice(entry, "role", ROLES, where)
    tier = _choice(entry, "tier", ("tiny", "real"), where)
    architecture = _choice(entry, "architecture", ARCHITECTURES, where)
    source = _choice(entry, "source", SOURCES, where)
    packages = tuple(_parse_package(p, where) for p in entry.get("packages", []))
    if source in ("e5s1", "gguf", "hf-dir") and not packages:
        raise ManifestError(f'{where}: source "{source}" needs at least one [[model.packages]].')
    dtypes = _parse_dtypes(entry.get("dtypes"), where)
    return ModelSpec(
        id=model_id,
        role=role,
        tier=tier,
        architecture=architecture,
        source=source,
        original=_text(entry, "original", where),
        license=_text(entry, "license", where),
        packages=packages,
        dtypes=dtypes,
        params=dict(entry.get("params", {})),
        checks=dict(entry.get("checks", {})),
        raw=entry,
    )


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{where}: '{key}' is missing or not a non-empty string (got {value!r}).")
    return value


def _choice(entry: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
    value = entry.get(key)
    if value not in allowed:
        raise ManifestError(f"{where}: unsupported {key} {value!r}. Should be one of: {', '.join(allowed)}.")
    return str(value)


def _parse_package(raw: Any, where: str) -> Package:
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: a package entry is not a table: {raw!r}")
    name, version, sha = raw.get("name"), raw.get("version"), raw.get("sha256")
    if not isinstance(name, str) or not isinstance(version, str) or not name or not version:
        raise ManifestError(f"{where}: package needs 'name' and 'version' (got {raw!r}).")
    if not isinstance(sha, str) or not _SHA_RE.match(sha):
        raise ManifestError(f"{where}: package {name}=={version} has a bad sha256 {sha!r}.")
    files = raw.get("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise ManifestError(f"{where}: package {name}=={version} needs a list of 'files'.")
    return Package(name, version, sha, tuple(files))


def _parse_dtypes(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: [model.dtypes] is missing.")
    unknown = set(raw) - set(DEVICES)
    if unknown:
        raise ManifestError(
            f'{where}: unsupported device "{sorted(unknown)[0]}". Should be one of: {", ".join(DEVICES)}.'
        )
    result: dict[str, tuple[str, ...]] = {}
    for device in DEVICES:
        names = raw.get(device, [])
        if not isinstance(names, list):
            raise ManifestError(f"{where}: dtypes.{device} is not a list: {names!r}")
        for name in names:
            if name not in DTYPE_FILES:
                raise ManifestError(
                    f'{where}: unsupported dtype "{name}" for {device}. '
                    f"Should be one of: {', '.join(DTYPE_FILES)}."
                )
        result[device] = tuple(names)
    if not result["wasm"]:
        raise ManifestError(f"{where}: dtypes.wasm is empty; WASM is the device that always works.")
    return result
