"""Build the static site into dist/: vendored runtimes, the app bundle, the page.

Run as ``python -m builder.site --out dist``. Everything the page loads is written
under ``dist``; names of files that change with the code carry a content hash, so the
server can cache them forever while index.html is revalidated on every load.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import re
import sys
import time
import zipfile
from pathlib import Path

from builder import hashing, prerender, pwa, wheels
from builder.compress import DEFAULT_CACHE, compress_tree
from builder.errors import BuildError
from builder.vendor import vendor_all
from contracts import protocol

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"
CONTRACTS = ROOT / "contracts"
WORKER = ROOT / "worker"
PLACEHOLDERS = ("pyodide", "pyscript", "app_bundle", "contracts_bundle", "builder_bundle", "css",
                "icon", "config", "manifest", "apple_icon", "theme_color", "description", "sw_register",
                "prerender_script")
# Filled after the others, in one pass: prerendered text may hold "{css}" and the like.
PRERENDERED = ("first_page", "prerender_config")
# A fixed timestamp keeps the archive, and so its hash, identical across rebuilds.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def bundle_package(package_dir: Path) -> bytes:
    """Zip the Python sources of ``package_dir`` (paths relative to it), deterministically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package_dir.rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            info = zipfile.ZipInfo(path.relative_to(package_dir).as_posix(), _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


# The part of builder/ the page runs: the content compiler's checks and renderer, for
# course packs added by URL (builder.content.pack). tests/test_layers.py holds these
# modules to what Pyodide has (the standard library, contracts, app.core, markdown-it).
PACK_MODULES = ("__init__.py", "errors.py", "hashing.py", "content/__init__.py",
                "content/chunks.py", "content/frontmatter.py", "content/library.py",
                "content/pack.py", "content/problems.py", "content/renames.py",
                "content/render.py", "content/roadmaps.py", "content/topics.py",
                "content/tree.py",
                # builder.content.roadmapsh.MODULES: a pack in roadmap.sh's layout, converted
                "content/roadmapsh/__init__.py", "content/roadmapsh/graph.py",
                "content/roadmapsh/ids.py", "content/roadmapsh/source.py",
                "content/roadmapsh/topic.py")


def bundle_files(folder: Path, names: tuple[str, ...]) -> bytes:
    """Zip ``names`` (paths relative to ``folder``), deterministically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(names):
            info = zipfile.ZipInfo(name, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (folder / name).read_bytes())
    return buffer.getvalue()


def write_hashed(out: Path, stem: str, suffix: str, data: bytes) -> str:
    """Write ``data`` under a content-hashed name in ``out`` and return its URL."""
    return "/" + hashing.write_hashed(out, stem, suffix, data)


def fill(template: str, values: dict[str, str], source: str) -> str:
    """Replace ``{key}`` placeholders, refusing any left unfilled."""
    result = template
    for key, value in values.items():
        result = result.replace("{" + key + "}", value)
    for key in PLACEHOLDERS:
        if "{" + key + "}" in result:
            raise BuildError(f"{source}: placeholder {{{key}}} has no value")
    return result


def insert_prerendered(page: str, out: Path, source: str) -> tuple[str, list[str]]:
    """Put the prerendered English library and the script's settings into ``page`` and
    write every prerendered page (builder.prerender) from ``out/content/library.json``;
    return the page and the folders written. Without a compiled library the page gets the
    splash only, and a note says so."""
    library_path = out / "content" / "library.json"
    if library_path.is_file():
        written = prerender.write_pages(out, prerender.load(library_path))
        first = next(item for item in written if item.name == "home" and item.lang == "en")
        parts, folders = {"first_page": str(first.html), "prerender_config":
                          prerender.script_config(first)}, [f"/{prerender.PAGES}"]
    else:
        print(f"[site] {library_path} not built yet: no prerendered pages", file=sys.stderr)
        parts, folders = {"first_page": "", "prerender_config": prerender.script_config(None)}, []
    for key in PRERENDERED:
        if "{" + key + "}" not in page:
            raise BuildError(f"{source}: placeholder {{{key}}} not found")
    pattern = re.compile("|".join(re.escape("{" + key + "}") for key in PRERENDERED))
    return pattern.sub(lambda match: parts[match.group(0)[1:-1]], page), folders


def build_worker(out: Path, urls: dict[str, str], worker: Path = WORKER) -> None:
    """Copy the ML worker to ``out/worker`` with the protocol and the runtime paths it reads.

    ``protocol.json`` comes from ``contracts.protocol`` (the one definition);
    ``paths.json`` tells the worker where the vendored runtimes and models are.
    """
    target = out / "worker"
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.js"):
        if not (worker / old.name).exists():
            old.unlink()
    for source in sorted(worker.glob("*.js")):
        (target / source.name).write_bytes(source.read_bytes())
    (target / "protocol.json").write_text(json.dumps(protocol.as_json(), indent=1), encoding="utf-8")
    paths = {
        "transformers": f"{urls['transformers']}/transformers.js",
        "onnx_wasm": f"{urls['onnxruntime-web']}/",
        "models": "/models/",
        "manifest": "/models/manifest.json",
    }
    (target / "paths.json").write_text(json.dumps(paths, indent=1), encoding="utf-8")


def build_site(out: Path, node_modules: Path, root: Path = ROOT,
               compress_cache: Path | None = DEFAULT_CACHE) -> dict[str, str]:
    """Build everything but models and content into ``out`` from the sources under
    ``root`` (app/, contracts/, worker/, sw/, pyscript.toml); return the URLs used.

    The service worker is written last, from the files as they are then, and every text
    and wasm file gets its precompressed copies (``compress_cache=None``: no cache).
    """
    out.mkdir(parents=True, exist_ok=True)
    urls = vendor_all(node_modules, out)
    # Before the service worker lists the Pyodide folder: the wheels are part of the shell.
    wheels.vendor_wheels(out / urls["pyodide"].lstrip("/"))
    build_worker(out, urls, root / "worker")
    values = {"pyodide": urls["pyodide"], "pyscript": urls["pyscript"]}
    values["app_bundle"] = write_hashed(out, "app", ".zip", bundle_package(root / "app"))
    values["contracts_bundle"] = write_hashed(out, "contracts", ".zip", bundle_package(root / "contracts"))
    values["builder_bundle"] = write_hashed(out, "builder", ".zip",
                                            bundle_files(root / "builder", PACK_MODULES))
    static = root / "app" / "static"
    for key, name in (("css", "tropa.css"), ("icon", "favicon.svg")):
        stem, suffix = name.rsplit(".", 1)
        values[key] = write_hashed(out, stem, "." + suffix, (static / name).read_bytes())
    config = fill((root / "pyscript.toml").read_text(encoding="utf-8"), values, "pyscript.toml")
    values["config"] = write_hashed(out, "pyscript", ".toml", config.encode("utf-8"))
    values["prerender_script"] = write_hashed(out, "prerender", ".js",
                                              (static / "prerender.js").read_bytes())
    linked = pwa.write_manifest(out)
    values.update(linked, sw_register=pwa.write_register(out, root / "sw"),
                  theme_color=pwa.THEME_COLOUR, description=html.escape(pwa.DESCRIPTION))
    page_source = static / "index.html"
    page = fill(page_source.read_text(encoding="utf-8"), values, str(page_source))
    page, prerendered = insert_prerendered(page, out, str(page_source))
    (out / "index.html").write_text(page, encoding="utf-8")
    files = [values[key] for key in ("app_bundle", "contracts_bundle", "builder_bundle", "css", "icon",
                                     "config", "sw_register", "prerender_script")] + list(linked.values())
    folders = [urls[name] for name in pwa.SHELL_VENDOR] + ["/worker", *prerendered]
    workbox = pwa.vendor_workbox(node_modules, out)
    sw = pwa.write_service_worker(out, pwa.shell_paths(out, files, folders), workbox, root / "sw")
    values["sw_version"] = sw["version"]
    compress_tree(out, compress_cache)
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--compress-cache", type=Path, default=DEFAULT_CACHE,
                        help="per-machine cache of compressed files (default %(default)s)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        urls = build_site(args.out, args.node_modules, compress_cache=args.compress_cache)
    except BuildError as error:
        print(f"site build failed: {error}", file=sys.stderr)
        return 1
    print(f"[site] {args.out}: app bundle {urls['app_bundle']}, service worker {urls['sw_version']} "
          f"({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
