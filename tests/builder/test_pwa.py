"""The site build's installable-app parts (builder/pwa.py): the manifest and its icons,
the page's links, the vendored Workbox and the service worker's precache manifest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from builder.errors import BuildError
from builder.pwa import BACKGROUND_COLOUR, THEME_COLOUR, shell_paths, vendor_workbox, write_service_worker
from builder.site import ROOT, build_site
from tests.sw.conftest import precache_of


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build_site(out, ROOT / "node_modules")
    # What the model and content builds add later must stay out of the precache.
    (out / "models/m").mkdir(parents=True)
    (out / "models/m/model.onnx").write_bytes(b"weights")
    return out


def web_manifest(dist: Path) -> dict[str, Any]:
    page = (dist / "index.html").read_text(encoding="utf-8")
    href = re.search(r'<link rel="manifest" href="([^"]+)">', page)
    assert href, "index.html links no manifest"
    document: dict[str, Any] = json.loads((dist / href.group(1).lstrip("/")).read_text(encoding="utf-8"))
    return document


def test_the_manifest_has_what_installation_needs(dist: Path) -> None:
    manifest = web_manifest(dist)
    assert manifest["name"] == "Tropa" and manifest["short_name"] == "Tropa"
    assert manifest["description"]
    assert (manifest["display"], manifest["start_url"], manifest["scope"]) == ("standalone", "/", "/")
    assert (manifest["lang"], manifest["dir"]) == ("en", "ltr")
    css = (ROOT / "app/static/tropa.css").read_text(encoding="utf-8")
    assert f"--accent: {THEME_COLOUR};" in css and f"--bg: {BACKGROUND_COLOUR};" in css
    assert (manifest["theme_color"], manifest["background_color"]) == (THEME_COLOUR, BACKGROUND_COLOUR)
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons
    for icon in manifest["icons"]:
        data = (dist / icon["src"].lstrip("/")).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and icon["type"] == "image/png"
        width = int.from_bytes(data[16:20], "big")
        assert f"{width}x{width}" == icon["sizes"]


def test_the_page_links_the_manifest_icons_and_registration(dist: Path) -> None:
    page = (dist / "index.html").read_text(encoding="utf-8")
    assert f'<meta name="theme-color" content="{THEME_COLOUR}">' in page
    assert re.search(r'<meta name="description" content="[^"{]{40,}">', page)
    apple = re.search(r'<link rel="apple-touch-icon" href="(/apple-touch-icon\.[0-9a-f]+\.png)">', page)
    assert apple and (dist / apple.group(1).lstrip("/")).is_file()
    register = re.search(r'<script type="module" src="(/sw-register\.[0-9a-f]+\.js)">', page)
    assert register and "serviceWorker" in (dist / register.group(1).lstrip("/")).read_text(encoding="utf-8")


def test_the_precache_is_the_shell_with_revisions_where_urls_do_not_change(dist: Path) -> None:
    entries = precache_of(dist)
    urls = {entry["url"] for entry in entries}
    assert len(urls) == len(entries)
    for url in urls:
        assert (dist / url.lstrip("/")).is_file(), url
    names = {url.rsplit("/", 1)[-1] for url in urls}
    assert {"index.html", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "core.js",
            "transformers.js", "ort-wasm-simd-threaded.jsep.wasm", "ml-worker.js", "protocol.json",
            "paths.json"} <= names
    page = (dist / "index.html").read_text(encoding="utf-8")
    linked = re.findall(r'(?:href|src|config)="(/[^"]+)"', page)
    assert len(linked) >= 8 and set(linked) <= urls, sorted(set(linked) - urls)
    assert not any(url.startswith(("/models/", "/content/")) or url.endswith((".br", ".gz"))
                   or url == "/sw.js" for url in urls)
    for entry in entries:
        versioned = entry["url"].startswith("/vendor/") or re.search(r"\.[0-9a-f]{12}\.", entry["url"])
        assert (entry["revision"] is None) == bool(versioned), entry


def test_workbox_comes_from_our_origin(dist: Path) -> None:
    script = (dist / "sw.js").read_text(encoding="utf-8")
    prefix = re.search(r"importScripts\('(/vendor/workbox@[^/]+)/workbox-sw\.js'\)", script)
    assert prefix, "sw.js does not import the vendored workbox-sw"
    folder = dist / prefix.group(1).lstrip("/")
    assert {p.name for p in folder.iterdir() if p.suffix == ".js"} == {
        "workbox-sw.js", "workbox-core.prod.js", "workbox-routing.prod.js",
        "workbox-strategies.prod.js", "workbox-precaching.prod.js"}
    assert "__WORKBOX__" not in script and "__VERSION__" not in script
    assert "http" not in script.split("*/", 1)[1]  # nothing from another origin (no CDN)


def test_a_changed_shell_file_changes_the_service_worker(dist: Path, tmp_path: Path) -> None:
    copy = tmp_path / "dist"
    shutil.copytree(dist, copy)
    paths = [entry["url"].lstrip("/") for entry in precache_of(dist)]
    workbox = re.search(r"importScripts\('([^']+)/workbox-sw", (dist / "sw.js").read_text())
    assert workbox
    before = write_service_worker(copy, paths, workbox.group(1))
    (copy / "worker/paths.json").write_text('{"changed": true}', encoding="utf-8")
    after = write_service_worker(copy, paths, workbox.group(1))
    assert before["version"] != after["version"]
    changed = [a for a, b in zip(after["precache"], before["precache"], strict=True) if a != b]
    assert [entry["url"] for entry in changed] == ["/worker/paths.json"]


def test_workbox_packages_of_different_versions_are_refused(tmp_path: Path) -> None:
    modules = tmp_path / "node_modules"
    for name in ("workbox-sw", "workbox-core", "workbox-routing", "workbox-strategies", "workbox-precaching"):
        shutil.copytree(ROOT / "node_modules" / name, modules / name)
    package = modules / "workbox-routing/package.json"
    package.write_text(json.dumps({**json.loads(package.read_text()), "version": "0.0.1"}))
    with pytest.raises(BuildError, match=r"workbox-routing is 0\.0\.1, workbox-sw is 7\.4\.1"):
        vendor_workbox(modules, tmp_path / "out")


def test_a_missing_shell_file_is_a_build_error(dist: Path) -> None:
    with pytest.raises(BuildError, match=r"app shell files missing from .*: nowhere\.js"):
        shell_paths(dist, ["/nowhere.js"], [])
