"""The browser runtimes we self-host, copied from node_modules into dist/vendor/.

Each package lands under a versioned folder (``vendor/<name>@<version>/``), so the
server may mark everything below ``/vendor/`` immutable: a new version is a new path.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from builder.errors import BuildError


@dataclass(frozen=True)
class VendorPackage:
    """One npm package and the files of it the page needs.

    ``name`` is the folder name under dist/vendor, ``npm`` the package's path under
    node_modules, ``files`` glob patterns relative to the package root.
    """

    name: str
    npm: str
    files: tuple[str, ...]


PACKAGES: tuple[VendorPackage, ...] = (
    VendorPackage(
        name="pyodide",
        npm="pyodide",
        files=(
            "pyodide.mjs",
            "pyodide.asm.mjs",
            "pyodide.asm.wasm",
            "python_stdlib.zip",
            "pyodide-lock.json",
        ),
    ),
    VendorPackage(name="pyscript", npm="@pyscript/core", files=("dist/*.js", "dist/*.css")),
    VendorPackage(
        name="transformers",
        npm="@huggingface/transformers",
        files=("dist/transformers.js",),
    ),
    # ORT's wasm binaries; Transformers.js is pointed at them through
    # env.backends.onnx.wasm.wasmPaths, so nothing is fetched from a CDN.
    VendorPackage(
        name="onnxruntime-web",
        npm="onnxruntime-web",
        files=(
            "dist/ort-wasm-simd-threaded.asyncify.mjs",
            "dist/ort-wasm-simd-threaded.asyncify.wasm",
            "dist/ort-wasm-simd-threaded.jsep.mjs",
            "dist/ort-wasm-simd-threaded.jsep.wasm",
        ),
    ),
)


def package_version(node_modules: Path, package: VendorPackage) -> str:
    """Return the installed version of ``package`` as npm recorded it."""
    manifest = node_modules / package.npm / "package.json"
    if not manifest.is_file():
        raise BuildError(
            f"{manifest} not found: npm package {package.npm!r} is not installed "
            "(run `npm ci --ignore-scripts`)"
        )
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if not isinstance(version, str) or not version:
        raise BuildError(f"{manifest}: no version field")
    return version


def vendor_all(node_modules: Path, out: Path) -> dict[str, str]:
    """Copy every package's files into ``out/vendor`` and return name → URL folder.

    Files that already exist with the same size are left alone, so a rebuild copies
    nothing. Stale version folders of our packages are removed.
    """
    urls: dict[str, str] = {}
    vendor_root = out / "vendor"
    vendor_root.mkdir(parents=True, exist_ok=True)
    for package in PACKAGES:
        version = package_version(node_modules, package)
        folder = f"{package.name}@{version}"
        target = vendor_root / folder
        source_root = node_modules / package.npm
        copied = 0
        for pattern in package.files:
            matches = sorted(source_root.glob(pattern))
            if not matches:
                raise BuildError(f"{source_root}: no file matches {pattern!r}")
            for source in matches:
                dest = target / source.name
                if dest.exists() and dest.stat().st_size == source.stat().st_size:
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, dest)
                copied += 1
        for stale in vendor_root.glob(f"{package.name}@*"):
            if stale.name != folder:
                shutil.rmtree(stale)
        urls[package.name] = f"/vendor/{folder}"
    return urls
