"""What makes the site an installable, offline-first app: the web app manifest and its
icons, the vendored Workbox runtime, and the service worker with its precache manifest.

The service worker (``sw/sw.js``) is written to ``dist/sw.js`` with the list of app-shell
files it precaches in place of ``self.__WB_MANIFEST``: each URL with a revision, the
SHA-256 of its bytes, or null where the URL itself changes with the bytes (versioned
``/vendor/`` folders and content-hashed names). A rebuild that changes any shell file
changes sw.js, which is how the browser learns that a new version exists. Models and
the compiled library are not precached (the library is cached as it is read).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from builder.errors import BuildError
from builder.hashing import write_hashed
from builder.icons import ACCENT, PAPER, Icon, draw
from builder.vendor import VendorPackage, package_version

ROOT = Path(__file__).resolve().parent.parent
SW = ROOT / "sw"
NAME = "Tropa"
DESCRIPTION = ("Skill roadmaps written in the open, with an AI tutor that runs in your "
               "browser: nothing you ask leaves your device.")
THEME_COLOUR = "#{:02x}{:02x}{:02x}".format(*ACCENT)
BACKGROUND_COLOUR = "#{:02x}{:02x}{:02x}".format(*PAPER)
# (file stem, icon): the manifest's icons and the apple-touch icon (opaque, as iOS wants).
ICONS = {
    "icon-192": Icon(192, maskable=False),
    "icon-512": Icon(512, maskable=False),
    "icon-maskable-192": Icon(192, maskable=True),
    "icon-maskable-512": Icon(512, maskable=True),
    "apple-touch-icon": Icon(180, maskable=True),
}
WORKBOX_MODULES = ("workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching")
# Vendor folders whose every file belongs to the app shell.
SHELL_VENDOR = ("pyodide", "pyscript", "transformers", "onnxruntime-web")
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.[A-Za-z0-9]+$")
PRECOMPRESSED = (".br", ".gz")


def write_icons(out: Path) -> dict[str, str]:
    """Draw every icon into ``out`` under a content-hashed name; return stem → URL."""
    return {stem: "/" + write_hashed(out, stem, ".png", draw(icon)) for stem, icon in ICONS.items()}


def manifest(icons: dict[str, str]) -> dict[str, Any]:
    """The web app manifest, with the icons at ``icons`` (stem → URL)."""
    entries = []
    for stem, icon in ICONS.items():
        if stem == "apple-touch-icon":
            continue
        entries.append({"src": icons[stem], "sizes": f"{icon.size}x{icon.size}",
                        "type": "image/png", "purpose": "maskable" if icon.maskable else "any"})
    return {
        "id": "/", "name": NAME, "short_name": NAME, "description": DESCRIPTION,
        "lang": "en", "dir": "ltr", "start_url": "/", "scope": "/",
        "display": "standalone", "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR, "categories": ["education"], "icons": entries,
    }


def write_manifest(out: Path) -> dict[str, str]:
    """Write the icons and the manifest; return stem → URL for each icon, plus
    ``manifest`` and ``apple_icon`` (the URLs the page links to)."""
    icons = write_icons(out)
    data = json.dumps(manifest(icons), indent=1, ensure_ascii=False).encode("utf-8")
    return {**icons, "manifest": "/" + write_hashed(out, "manifest", ".webmanifest", data),
            "apple_icon": icons["apple-touch-icon"]}


def vendor_workbox(node_modules: Path, out: Path) -> str:
    """Copy workbox-sw and the production builds of the modules the worker uses into
    ``out/vendor/workbox@<version>/``; return that folder's URL."""
    loader = VendorPackage("workbox", "workbox-sw", ("build/workbox-sw.js",))
    version = package_version(node_modules, loader)
    target = out / "vendor" / f"workbox@{version}"
    target.mkdir(parents=True, exist_ok=True)
    sources = [node_modules / "workbox-sw/build/workbox-sw.js"]
    for module in WORKBOX_MODULES:
        found = package_version(node_modules, VendorPackage(module, module, ()))
        if found != version:
            raise BuildError(f"npm package {module} is {found}, workbox-sw is {version}: "
                             "pin every workbox package to one version in package.json")
        sources.append(node_modules / module / "build" / f"{module}.prod.js")
    for source in sources:
        shutil.copyfile(source, target / source.name)
    for stale in (out / "vendor").glob("workbox@*"):
        if stale != target:
            shutil.rmtree(stale)
    return f"/vendor/workbox@{version}"


def shell_paths(out: Path, files: list[str], folders: list[str]) -> list[str]:
    """The app shell as paths below ``out``: the page, the file URLs in ``files`` and
    every file under the folder URLs in ``folders`` (precompressed copies aside)."""
    paths = {"index.html", *(url.lstrip("/") for url in files)}
    for folder in folders:
        paths.update(path.relative_to(out).as_posix() for path in (out / folder.lstrip("/")).rglob("*")
                     if path.is_file() and path.suffix not in PRECOMPRESSED)
    missing = sorted(path for path in paths if not (out / path).is_file())
    if missing:
        raise BuildError(f"app shell files missing from {out}: {', '.join(missing)}")
    return sorted(paths)


def revision(path: str, data: bytes) -> str | None:
    """None where the URL changes with the bytes, else the bytes' SHA-256 (16 digits)."""
    if path.startswith("vendor/") or HASHED_NAME.search(path):
        return None
    return hashlib.sha256(data).hexdigest()[:16]


def precache_manifest(out: Path, paths: list[str]) -> list[dict[str, str | None]]:
    return [{"url": "/" + path, "revision": revision(path, (out / path).read_bytes())}
            for path in paths]


def write_service_worker(out: Path, paths: list[str], workbox: str, sw: Path = SW) -> dict[str, Any]:
    """Write ``out/sw.js`` from ``sw/sw.js`` with the precache manifest of ``paths``
    (from ``shell_paths``); return {"version", "precache"}."""
    entries = precache_manifest(out, paths)
    listing = json.dumps(entries, indent=1)
    version = hashlib.sha256(listing.encode("utf-8")).hexdigest()[:16]
    source = (sw / "sw.js").read_text(encoding="utf-8")
    for placeholder in ("self.__WB_MANIFEST", "__WORKBOX__", "__VERSION__"):
        if placeholder not in source:
            raise BuildError(f"{sw / 'sw.js'}: placeholder {placeholder} not found")
    script = (source.replace("self.__WB_MANIFEST", listing)
              .replace("__WORKBOX__", workbox).replace("__VERSION__", version))
    (out / "sw.js").write_text(script, encoding="utf-8")
    return {"version": version, "precache": entries}


def write_register(out: Path, sw: Path = SW) -> str:
    """Write the page's service-worker registration script; return its URL."""
    return "/" + write_hashed(out, "sw-register", ".js", (sw / "register.js").read_bytes())
