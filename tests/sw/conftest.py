"""The installable, offline-first site in real Chromium, served by the real server.

Each test dist is written by the real site build (``builder.site.build_site``) from a
copy of the sources (app/, contracts/, builder/, worker/, sw/, pyscript.toml), so a test may change
a source file and build again, as a developer would. Its course library is the real
content/ compiled without embeddings (no models needed): the library page renders, the
tutor's panel does not.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, BrowserType, Page, Response

from builder.content.library import library_dict
from builder.content.tree import read_tree
from builder.site import build_site
from tests.conftest import ROOT, serve_dist

SOURCES = ("app", "contracts", "builder", "worker", "sw", "pyscript.toml")
BOOT_TIMEOUT_MS = 120_000


def copy_sources(target: Path) -> Path:
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, target / name)
    return target


def build(sources: Path, dist: Path) -> dict[str, str]:
    """The real site build of ``sources`` into ``dist``, plus the library without vectors."""
    urls = build_site(dist, ROOT / "node_modules", root=sources)
    library = library_dict(read_tree(ROOT / "content"))
    (dist / "content").mkdir(exist_ok=True)
    (dist / "content/library.json").write_text(json.dumps(library, ensure_ascii=False), encoding="utf-8")
    return urls


def precache_of(dist: Path) -> list[dict[str, Any]]:
    """The precache manifest written into ``dist/sw.js`` (the JSON list after precacheAndRoute)."""
    script = (dist / "sw.js").read_text(encoding="utf-8")
    start = script.index("precacheAndRoute(") + len("precacheAndRoute(")
    entries, _ = json.JSONDecoder().raw_decode(script[start:])
    assert isinstance(entries, list)
    return entries


class Site:
    """A test dist with its sources, served on ``url``."""

    def __init__(self, root: Path, url_of: Callable[[Path], str]) -> None:
        self.sources = copy_sources(root / "src")
        self.dist = root / "dist"
        self.urls = build(self.sources, self.dist)
        self.url = url_of(self.dist)

    def rebuild(self) -> dict[str, str]:
        self.urls = build(self.sources, self.dist)
        return self.urls


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with ExitStack() as stack:
        yield Site(tmp_path, lambda dist: stack.enter_context(serve_dist(dist, tmp_path / "server")))


@pytest.fixture
def profile(browser_type: BrowserType, browser_type_launch_args: dict[str, Any],
            tmp_path: Path) -> Iterator[BrowserContext]:
    """A persistent Chromium profile: service workers and their caches live there."""
    context = browser_type.launch_persistent_context(tmp_path / "profile", **browser_type_launch_args)
    yield context
    context.close()


class Traffic:
    """Every response the context sees, by whether the service worker answered it."""

    def __init__(self, context: BrowserContext) -> None:
        self.responses: list[Response] = []
        self.failed: list[str] = []
        context.on("response", lambda response: self.responses.append(response))
        context.on("requestfailed", lambda request: self.failed.append(request.url))

    def clear(self) -> None:
        self.responses.clear()
        self.failed.clear()

    def from_network(self) -> list[str]:
        """URLs answered by the network (neither the service worker nor a failure)."""
        return [r.url for r in self.responses if not r.from_service_worker]

    def from_worker(self) -> list[str]:
        return [r.url for r in self.responses if r.from_service_worker]


def wait_booted(page: Page) -> None:
    """Until the app has mounted (Pyodide and the app started) and loaded the library."""
    page.wait_for_selector("#app[data-state=ready]", timeout=BOOT_TIMEOUT_MS)


def wait_controlled(page: Page) -> None:
    """Until a service worker controls the page: the shell is precached by then."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)


def sw_version(page: Page) -> dict[str, str]:
    """What the controlling service worker says of itself (its build version, caches)."""
    answer: dict[str, str] = page.evaluate("""() => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (event) => resolve(event.data);
        navigator.serviceWorker.controller.postMessage({ type: 'GET_VERSION' }, [channel.port2]);
    })""")
    return answer
