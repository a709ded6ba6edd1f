"""The IndexedDB store in real Chromium: the scenarios of tests/app/store_scenarios.py run
in the page against ``app.bridge.store`` must see what they see against ``MemoryStore``,
and what is stored survives a browser restart (a persistent profile)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, Page

from app.core.learner.store import MemoryStore
from tests.app import store_scenarios
from tests.app.core.learner.test_store import QUOTA_BYTES, observed
from tests.conftest import DIST, serve_dist

pytestmark = pytest.mark.browser

SCENARIOS = (Path(__file__).resolve().parents[1] / "store_scenarios.py").read_text(encoding="utf-8")
PAGE_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on the built site (the app bundles are all these tests need)."""
    if not (DIST / "index.html").is_file():
        pytest.fail("dist/ is not built: run `make build`")
    with serve_dist(DIST, tmp_path_factory.mktemp("store-server")) as url:
        yield url


def run_in_page(page: Page, url: str, body: str) -> Any:
    """Run ``body`` (Python, top-level await allowed, ``store`` open on a test database)
    in a page of the app's origin with the app's PyScript configuration; return the
    JSON its ``result`` variable holds, or fail with the Python error."""
    config = re.search(r'config="([^"]+)"', (DIST / "index.html").read_text(encoding="utf-8"))
    assert config is not None
    script = "\n".join([
        "import json", "from js import document", "from app.bridge.store import IndexedDBStore",
        "from app.core.learner.store import StoreError",
        SCENARIOS.replace("from __future__ import annotations\n", ""),
        "try:",
        "    store = await IndexedDBStore.open('tropa-test')",
        *("    " + line for line in body.splitlines()),
        "    document.body.setAttribute('data-result', json.dumps(result))",
        "except Exception as error:",
        "    document.body.setAttribute('data-error', f'{type(error).__name__}: {error}')",
    ])
    pyscript = re.search(r'src="([^"]+/core\.js)"', (DIST / "index.html").read_text(encoding="utf-8"))
    assert pyscript is not None
    html = ('<!doctype html><html><head><meta charset="utf-8">'
            f'<script type="module" src="{pyscript.group(1)}"></script></head><body>'
            f'<script type="py" config="{config.group(1)}">\n{script}\n</script></body></html>')
    page.route(f"{url}/store-test.html", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body=html,
        headers={"Cross-Origin-Opener-Policy": "same-origin",
                 "Cross-Origin-Embedder-Policy": "require-corp"}))
    page.goto(f"{url}/store-test.html")
    page.wait_for_selector("body[data-result], body[data-error]", state="attached", timeout=PAGE_TIMEOUT_MS)
    error = page.get_attribute("body", "data-error")
    assert error is None, error
    return json.loads(page.get_attribute("body", "data-result") or "null")


def on_fake(scenario: Any, store: MemoryStore) -> Any:
    """The scenario's observations on ``store``, from a thread of its own (Playwright's
    sync API keeps an event loop marked as running in this one)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return observed(pool.submit(asyncio.run, scenario(store)).result())


def test_the_page_sees_what_the_fake_sees(browser: Browser, site_url: str) -> None:
    context = browser.new_context()
    try:
        in_page = run_in_page(context.new_page(), site_url, "result = await round_trip(store)")
    finally:
        context.close()
    assert in_page == on_fake(store_scenarios.round_trip, MemoryStore())


def test_a_full_disk_refuses_the_write_whole_and_keeps_the_rest(
    browser_type: BrowserType, browser_type_launch_args: dict[str, Any], site_url: str, tmp_path: Path
) -> None:

    context = browser_type.launch_persistent_context(tmp_path / "profile", **browser_type_launch_args)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/healthz")
        cdp = context.new_cdp_session(page)
        cdp.send("Storage.overrideQuotaForOrigin", {"origin": site_url, "quotaSize": QUOTA_BYTES})
        in_page = run_in_page(page, site_url, "result = await all_or_nothing(store)")
    finally:
        context.close()
    assert in_page == on_fake(store_scenarios.all_or_nothing, MemoryStore(quota_bytes=QUOTA_BYTES))


def test_data_survives_a_browser_restart(
    browser_type: BrowserType, browser_type_launch_args: dict[str, Any], site_url: str, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"

    def session(body: str) -> Any:
        context: BrowserContext = browser_type.launch_persistent_context(profile, **browser_type_launch_args)
        try:
            return run_in_page(context.new_page(), site_url, body)
        finally:
            context.close()

    session("await store.put('conversations', 'python.loops', [{'question': 'why?'}])\nresult = True")
    after = session("result = await store.items('conversations')")
    assert after == [["python.loops", [{"question": "why?"}]]]
