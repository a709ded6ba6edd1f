"""After one online visit the app boots offline, from the service worker alone, still
cross-origin isolated; only the caches the worker owns exist, and models are not in them."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page

from tests.sw.conftest import (
    BOOT_TIMEOUT_MS,
    Site,
    Traffic,
    precache_of,
    sw_version,
    wait_booted,
    wait_controlled,
)

pytestmark = pytest.mark.browser


def test_an_offline_reload_boots_the_app_from_the_service_worker(site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    traffic = Traffic(profile)
    page.goto(site.url + "/")
    wait_booted(page)
    wait_controlled(page)
    assert page.evaluate("crossOriginIsolated") is True
    assert sw_version(page)["version"] == site.urls["sw_version"]

    traffic.clear()
    profile.set_offline(True)
    page.reload()
    wait_booted(page)

    assert traffic.from_network() == []
    assert page.evaluate("crossOriginIsolated") is True
    assert page.evaluate("navigator.onLine") is False
    # The library page rendered from the cached library.json: one card per roadmap.
    assert page.locator("#app a[href^='#/roadmap/']").count() >= 3
    # A trail and a topic open offline too (they are rendered from the same library).
    page.click("#app a[href='#/roadmap/python']")
    page.click("#app a[href^='#/topic/python.']")
    page.wait_for_selector("#app .prose")
    assert page.locator("#app h1").inner_text()
    precached = {entry["url"] for entry in precache_of(site.dist)}
    served = {urlsplit(url).path for url in traffic.from_worker()}
    assert {"/", "/content/library.json"} <= served  # the page itself and the library
    shell = served - {"/content/library.json", "/"}
    assert shell and shell <= precached, sorted(shell - precached)


def test_the_worker_owns_tropa_caches_only_and_keeps_no_model(site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    # A cache of another part of the app (a model store, say) and one of nobody's.
    page.goto(site.url + "/")
    page.evaluate("Promise.all([caches.open('tropa-models-v1'), caches.open('someone-else')])")
    wait_booted(page)
    wait_controlled(page)
    names = set(page.evaluate("caches.keys()"))
    info = sw_version(page)
    assert names == {info["precache"], info["content"], "tropa-models-v1", "someone-else"}
    assert info["precache"].startswith("tropa-sw-") and info["content"].startswith("tropa-sw-")
    keys = page.evaluate("""async (name) => (await (await caches.open(name)).keys())
                              .map((request) => new URL(request.url).pathname)""", info["precache"])
    assert "/index.html" in keys and not any(path.startswith("/models/") for path in keys)
    assert set(keys) == {entry["url"] for entry in precache_of(site.dist)}


def test_the_library_is_stale_while_revalidate_and_old_files_leave_the_cache(
        site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    library = json.loads((site.dist / "content/library.json").read_text(encoding="utf-8"))
    (site.dist / "content/old.111111111111.json").write_text('"old"', encoding="utf-8")
    (site.dist / "content/new.222222222222.json").write_text('"new"', encoding="utf-8")
    write_library(site, {**library, "extra": {"file": "/content/old.111111111111.json"}})
    page.goto(site.url + "/")
    wait_booted(page)
    wait_controlled(page)
    info = sw_version(page)
    assert page.evaluate("fetch('/content/old.111111111111.json').then((r) => r.json())") == "old"
    wait_cached(page, info["content"], "/content/old.111111111111.json", present=True)

    # A new library names another file: the first read still gets the cached library
    # (stale), the cache is refreshed behind it, and the file it no longer names is dropped.
    write_library(site, {**library, "extra": {"file": "/content/new.222222222222.json"}})
    first = page.evaluate("fetch('/content/library.json').then((r) => r.json())")
    assert first["extra"]["file"] == "/content/old.111111111111.json"
    wait_cached(page, info["content"], "/content/old.111111111111.json", present=False)
    second = page.evaluate("fetch('/content/library.json').then((r) => r.json())")
    assert second["extra"]["file"] == "/content/new.222222222222.json"


def write_library(site: Site, library: dict[str, object]) -> None:
    path = site.dist / "content/library.json"
    path.write_text(json.dumps(library, ensure_ascii=False), encoding="utf-8")


def wait_cached(page: Page, cache: str, path: str, *, present: bool) -> None:
    """Until ``path`` is in (or gone from) ``cache``: the worker writes it after it answers."""
    page.wait_for_function("""async ([name, path, present]) => {
        const keys = await (await caches.open(name)).keys();
        return keys.some((request) => new URL(request.url).pathname === path) === present;
    }""", arg=[cache, path, present], timeout=BOOT_TIMEOUT_MS)
