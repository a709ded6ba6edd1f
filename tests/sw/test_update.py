"""v1 installed; a source file changes and the site is built again; v2 installs and waits
while the page stays on v1; the bar offers Update; pressing it reloads the page onto v2
with nothing of v1 left in the shell or in the precache."""

from __future__ import annotations

import re
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
MARKER = "// changed for v2 by tests/sw/test_update.py\n"


def stylesheet(page: Page) -> str:
    href: str = page.evaluate(
        "document.querySelector('link[rel=stylesheet][href*=\"/tropa.\"]').getAttribute('href')")
    return href


def precached_paths(page: Page, cache: str) -> set[str]:
    return set(page.evaluate("""async (name) => (await (await caches.open(name)).keys())
                                  .map((request) => new URL(request.url).pathname)""", cache))


def test_a_new_version_waits_for_update_then_replaces_the_whole_shell(
        site: Site, profile: BrowserContext) -> None:
    page = profile.pages[0] if profile.pages else profile.new_page()
    page.goto(site.url + "/")
    wait_booted(page)
    wait_controlled(page)
    v1 = sw_version(page)
    v1_css, v1_manifest = site.urls["css"], {e["url"]: e["revision"] for e in precache_of(site.dist)}
    assert stylesheet(page) == v1_css

    with (site.sources / "worker/ml-worker.js").open("a", encoding="utf-8") as script:
        script.write(MARKER)
    with (site.sources / "app/static/tropa.css").open("a", encoding="utf-8") as css:
        css.write("/* v2 */\n")
    v2_urls = site.rebuild()
    v2_manifest = {e["url"]: e["revision"] for e in precache_of(site.dist)}
    assert v2_urls["sw_version"] != v1["version"] and v2_urls["css"] != v1_css
    assert v2_manifest["/worker/ml-worker.js"] != v1_manifest["/worker/ml-worker.js"]

    # The next visit finds v2; it installs and waits, and the page is still all v1.
    page.reload()
    wait_booted(page)
    update = page.locator("#pwa-bar button[data-action=update]")
    update.wait_for(state="visible", timeout=BOOT_TIMEOUT_MS)
    assert page.locator("#pwa-bar").inner_text().startswith("A new version of Tropa is ready.")
    assert sw_version(page)["version"] == v1["version"]
    assert stylesheet(page) == v1_css  # served by v1 from its cache, though gone from the server
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")

    traffic = Traffic(profile)
    with page.expect_navigation(timeout=BOOT_TIMEOUT_MS):
        update.click()
    wait_booted(page)
    wait_controlled(page)
    v2 = sw_version(page)
    assert v2["version"] == v2_urls["sw_version"]
    assert stylesheet(page) == v2_urls["css"]
    assert page.evaluate("crossOriginIsolated") is True
    # Every shell file of the reloaded page is one of v2's, served by v2's worker.
    shell = {urlsplit(r.url).path for r in traffic.responses} & (set(v1_manifest) | set(v2_manifest))
    assert shell and shell <= set(v2_manifest), sorted(shell - set(v2_manifest))
    assert not [r.url for r in traffic.responses
                if urlsplit(r.url).path in shell and not r.from_service_worker]
    worker = page.evaluate("fetch('/worker/ml-worker.js').then((r) => r.text())")
    assert worker.endswith(MARKER)
    # v1's entries are gone from the precache; nothing but v2's remains.
    assert precached_paths(page, v2["precache"]) == set(v2_manifest)
    assert not page.locator("#pwa-bar [data-action=update]").count()
    assert re.fullmatch(r"tropa-sw-precache-v\d+", v2["precache"])


def test_an_update_in_one_tab_reloads_the_other_tabs_onto_it(site: Site, profile: BrowserContext) -> None:
    first = profile.pages[0] if profile.pages else profile.new_page()
    first.goto(site.url + "/")
    wait_booted(first)
    wait_controlled(first)
    second = profile.new_page()
    second.goto(site.url + "/")
    wait_booted(second)
    with (site.sources / "app/static/tropa.css").open("a", encoding="utf-8") as css:
        css.write("/* v2 */\n")
    v2_urls = site.rebuild()

    second.reload()
    wait_booted(second)
    update = second.locator("#pwa-bar button[data-action=update]")
    update.wait_for(state="visible", timeout=BOOT_TIMEOUT_MS)
    assert stylesheet(first) != v2_urls["css"]
    with first.expect_navigation(timeout=BOOT_TIMEOUT_MS), second.expect_navigation(timeout=BOOT_TIMEOUT_MS):
        update.click()
    for page in (first, second):
        wait_booted(page)
        assert stylesheet(page) == v2_urls["css"]
        assert sw_version(page)["version"] == v2_urls["sw_version"]
