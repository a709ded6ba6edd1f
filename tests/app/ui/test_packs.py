"""Course packs added by URL in the real page: real Chromium, the real server on the
real dist/, the real e5 embedder in the ML worker, IndexedDB, the service worker.

The pack's host is a second loopback static server (tests/support/static_host.py)
serving tests/support/packs: a fake at the edge of the world, standing in for GitHub's
raw file host or a school's CDN, which tests cannot reach. It answers as they do
(``Access-Control-Allow-Origin: *``), nothing more.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, BrowserType, Page, expect

from builder.content.pack import index_of
from builder.content.roadmapsh import convert
from builder.content.roadmapsh.__main__ import read_folder
from tests.app.services.test_packs import roadmapsh_pack
from tests.app.ui.test_shell import boot
from tests.app.ui.test_tutor import ask, models_built
from tests.support.static_host import serving

ROOT = Path(__file__).resolve().parents[3]
PACKS = ROOT / "tests/support/packs"
ADD_TIMEOUT_MS = 8 * 60_000  # the first add downloads and compiles the embedder
BOOT_TIMEOUT_MS = 120_000

pytestmark = pytest.mark.browser


@pytest.fixture
def pack_host(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The packs on a second loopback host (copied, so a test may change them)."""
    folder = tmp_path / "host"
    shutil.copytree(PACKS, folder)
    with serving(folder, isolated=False, cors=True) as url:
        yield url, folder


@pytest.fixture
def profile(browser_type: BrowserType, browser_type_launch_args: dict[str, Any],
            tmp_path: Path) -> Iterator[BrowserContext]:
    """A persistent profile with the service worker on: the offline reload needs it."""
    context = browser_type.launch_persistent_context(tmp_path / "profile", **browser_type_launch_args)
    yield context
    context.close()


def add_pack(page: Page, url: str) -> None:
    page.locator("#pack-url").fill(url)
    page.locator("form.pack-form button[type=submit]").click()


def stored_packs(page: Page) -> list[str]:
    """The keys of the packs database on the device, read straight from IndexedDB."""
    keys: list[str] = page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('tropa-packs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('packs')) { db.close(); resolve([]); return; }
            const request = db.transaction(['packs']).objectStore('packs').getAllKeys();
            request.onsuccess = () => { db.close(); resolve(request.result); };
        };
    })""")
    return keys


@pytest.mark.skipif(not models_built("multilingual-e5-small", "tiny-qwen2"),
                    reason="models not built: run `make models`")
def test_a_pack_is_added_searched_by_the_tutor_and_works_offline(
        profile: BrowserContext, base_url: str, pack_host: tuple[str, Path]) -> None:
    host, folder = pack_host
    page = profile.pages[0] if profile.pages else profile.new_page()
    seen: list[str] = []
    profile.on("request", lambda request: seen.append(request.url))
    page.goto(base_url + "/?tutor=tiny-qwen2#/packs")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("section.packs h1")).to_have_text("Course packs")

    started = time.monotonic()
    add_pack(page, host + "/kitchen/")
    # Progress is shown while it works: files, then the embedder, then passages.
    expect(page.locator("#pack-status .pack-progress")).to_be_attached(timeout=30_000)
    done = page.locator("#pack-status .pack-message")
    expect(done).to_contain_text("Added “Kitchen basics”: 3 topics, 4 files fetched",
                                 timeout=ADD_TIMEOUT_MS)
    print(f"\n[packs] added in {time.monotonic() - started:.1f} s: {done.inner_text()}")
    pack_requests = [url for url in seen if url.startswith(host)]
    assert sorted(pack_requests) == sorted(f"{host}/kitchen/{path}" for path in [
        "tropa-pack.json", "en/kitchen/roadmap.md", "en/kitchen/knife-skills.md",
        "en/kitchen/boiling-eggs.md", "en/kitchen/making-stock.md"])
    expect(page.locator("li.pack h3")).to_have_text(["Kitchen basics"])
    assert len(stored_packs(page)) == 1

    # In the library, as a trail among the built-in ones, in both languages.
    page.locator("a.brand").click()
    card = page.locator(".card[data-roadmap='kitchen']")
    expect(card.locator("h2")).to_have_text("Kitchen basics")
    expect(card.locator(".meta")).to_contain_text("3")
    card.locator("a").click()
    expect(page.locator("article.roadmap h1")).to_have_text("Kitchen basics")
    expect(page.locator(".graph-wide .band-group")).to_have_count(2)
    page.locator(".graph-wide a.node[data-topic='kitchen.making-stock']").click()
    expect(page.locator("article.topic h1")).to_have_text("Making stock")
    expect(page.locator("article.topic")).to_contain_text("mirepoix")
    # Progress on a pack's topic is the learner's progress like any other.
    page.locator("button[data-action='mark'][data-status='done']").first.click()
    expect(page.locator("button[data-action='mark'][data-status='done']").first).to_have_attribute(
        "aria-pressed", "true")

    # The tutor, asked on the pack's topic, retrieves the pack's passage.
    exchange = ask(page, "Which vegetables make a mirepoix for a stock?", download=True)
    expect(exchange.locator(".passages a[href*='kitchen.making-stock']").first).to_be_attached(
        timeout=ADD_TIMEOUT_MS)

    # Update: one file changed on the host; only it is fetched, only its passage embedded.
    eggs = folder / "kitchen/en/kitchen/boiling-eggs.md"
    eggs.write_text(eggs.read_text(encoding="utf-8").replace("Six minutes", "Six and a half minutes"),
                    encoding="utf-8")
    index = index_of(folder / "kitchen", "Kitchen basics", "en")
    (folder / "kitchen/tropa-pack.json").write_text(json.dumps(index.as_json()), encoding="utf-8")
    page.locator("a.brand").click()
    page.locator("p.packs-link a").click()  # the library's entry to the packs page
    seen.clear()
    started = time.monotonic()
    page.locator("li.pack button.pack-update").click()
    expect(done).to_contain_text("Updated “Kitchen basics”: 1 files fetched", timeout=ADD_TIMEOUT_MS)
    expect(done).to_contain_text("1 passages indexed again")
    print(f"[packs] updated in {time.monotonic() - started:.1f} s: {done.inner_text()}")
    assert sorted(url for url in seen if url.startswith(host)) == [
        f"{host}/kitchen/en/kitchen/boiling-eggs.md", f"{host}/kitchen/tropa-pack.json"]

    # Offline: the pack's host gone, the network off; a reload still has the pack.
    profile.set_offline(True)
    seen.clear()
    page.goto(base_url + "/#/topic/kitchen.boiling-eggs")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("article.topic h1")).to_have_text("Boiling eggs")
    expect(page.locator("article.topic")).to_contain_text("Six and a half minutes")
    assert [url for url in seen if url.startswith(host)] == []
    page.locator("a.brand").click()
    expect(page.locator(".card[data-roadmap='kitchen'] h2")).to_have_text("Kitchen basics")
    profile.set_offline(False)

    # Removed: the trail leaves the library and nothing of it stays on the device.
    page.goto(base_url + "/#/packs")
    expect(page.locator("li.pack")).to_have_count(1, timeout=BOOT_TIMEOUT_MS)
    page.locator("li.pack button.pack-remove").click()
    expect(page.locator("#pack-status .pack-message")).to_contain_text("Removed “Kitchen basics”")
    expect(page.locator("li.pack")).to_have_count(0)
    assert stored_packs(page) == []
    page.locator("a.brand").click()
    expect(page.locator(".card[data-roadmap='python']")).to_have_count(1)
    expect(page.locator(".card[data-roadmap='kitchen']")).to_have_count(0)


def test_a_broken_pack_is_refused_with_file_and_line_and_leaves_nothing(
        page: Page, base_url: str, pack_host: tuple[str, Path]) -> None:
    host, folder = pack_host
    topic = folder / "kitchen/en/kitchen/knife-skills.md"
    topic.write_text(topic.read_text(encoding="utf-8").replace("level: beginner", "level: expert")
                     .replace("## Resources", "## Reading"), encoding="utf-8")
    roadmap = folder / "kitchen/en/kitchen/roadmap.md"
    roadmap.write_text(roadmap.read_text(encoding="utf-8").replace("- boiling-eggs <- knife-skills",
                                                                   "- boiling-eggs <- omelette"),
                       encoding="utf-8")
    # The index is right about the files (their sha256); their content breaks the rules.
    index = index_of(folder / "kitchen", "Kitchen basics", "en")
    (folder / "kitchen/tropa-pack.json").write_text(json.dumps(index.as_json()), encoding="utf-8")
    boot(page, "/#/packs")
    add_pack(page, host + "/kitchen")
    problems = page.locator("#pack-status .pack-problems li")
    expect(problems).to_have_text([
        "en/kitchen/knife-skills.md:3: unknown level 'expert'; should be one of: beginner, "
        "intermediate, advanced",
        "en/kitchen/knife-skills.md:5: missing '## Resources' section",
        "en/kitchen/roadmap.md:14: dangling edge: 'boiling-eggs' requires 'omelette', which is "
        "not in this roadmap",
    ], timeout=60_000)
    expect(page.locator("#pack-status .pack-refused")).to_contain_text("Nothing was kept")
    expect(page.locator(".pack-list")).to_contain_text("No course packs yet.")
    assert stored_packs(page) == []
    page.locator("a.brand").click()
    expect(page.locator(".card[data-roadmap='python']")).to_have_count(1)
    expect(page.locator(".card[data-roadmap='kitchen']")).to_have_count(0)
    # In Russian, the refusal says the same problems in the learner's language around them.
    page.goto(base_url + "/#/packs")
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    page.get_by_role("button", name="Русский").click()
    add_pack(page, host + "/kitchen")
    expect(page.locator("#pack-status .pack-refused")).to_contain_text("Ничего не сохранено",
                                                                       timeout=60_000)
    expect(page.locator("#pack-status .pack-problems li")).to_have_count(3)


@pytest.mark.skipif(not models_built("multilingual-e5-small"), reason="models not built: run `make models`")
def test_a_roadmap_sh_pack_is_converted_in_the_page_with_its_differences_shown(
        page: Page, base_url: str, tmp_path: Path) -> None:
    """roadmap.sh's own layout (its drawing JSON and per-topic Markdown), served as a pack
    whose index says so: the page converts it with the build's converter, shows what was
    dropped or approximated, and the trail works like any other."""
    folder = roadmapsh_pack(tmp_path)
    expected = convert(read_folder(folder / "home-network")).differences  # as the CLI prints them
    with serving(folder, isolated=False, cors=True) as host:
        boot(page, "/#/packs")
        add_pack(page, host + "/")
        expect(page.locator("#pack-status .pack-message")).to_contain_text("Added “Home network”",
                                                                           timeout=ADD_TIMEOUT_MS)
    differences = page.locator("li.pack details.pack-differences")
    expect(differences.locator("summary")).to_have_text(
        f"Converted from roadmap.sh's layout: {len(expected)} differences (what was dropped or approximated)")
    expect(differences.locator("li")).to_have_text(expected)
    page.locator("li.pack a[href='#/roadmap/home-network']").click()
    expect(page.locator("article.roadmap h1")).to_have_text("Home Networking")  # the drawing's title
    nodes = page.locator(".graph-wide a.node")
    expect(nodes.first).to_be_visible()
    nodes.first.click()
    expect(page.locator("article.topic h1")).to_be_visible()
    expect(page.locator("article.topic .resources a").first).to_have_attribute("href", re.compile("^https://"))
    page.get_by_role("button", name="Русский").click()
    page.goto(base_url + "/#/packs")
    expect(page.locator("li.pack details.pack-differences summary")).to_contain_text(
        f"Преобразован из формата roadmap.sh: различий — {len(expected)}")


def test_a_pack_from_another_address_kind_is_refused_before_any_request(
        page: Page, base_url: str) -> None:
    boot(page, "/#/packs")
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    add_pack(page, "http://school.example/packs/sql")
    expect(page.locator("#pack-status .pack-message")).to_contain_text(
        "only https:// addresses are fetched")
    assert [url for url in seen if "school.example" in url] == []


@pytest.mark.skipif(not models_built("multilingual-e5-small"), reason="models not built: run `make models`")
def test_a_hostile_pack_renders_inert(page: Page, base_url: str, pack_host: tuple[str, Path]) -> None:
    host, _ = pack_host
    failed: dict[str, str] = {}
    answered: list[str] = []
    page.on("requestfailed", lambda request: failed.setdefault(request.url, request.failure or ""))
    page.on("response", lambda response: answered.append(response.url))
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    boot(page, "/#/packs")
    add_pack(page, host + "/hostile/tropa-pack.json")
    expect(page.locator("#pack-status .pack-message")).to_contain_text("Added “Hostile <b>pack</b>”",
                                                                       timeout=ADD_TIMEOUT_MS)
    expect(page.locator("li.pack h3")).to_have_text(["Hostile <b>pack</b>"])  # text, not markup
    page.goto(base_url + "/#/roadmap/trap")
    expect(page.locator("article.roadmap h1")).to_have_text(re.compile(r"^Trap <script>"))
    page.goto(base_url + "/#/topic/trap.inert")
    article = page.locator("article.topic")
    expect(article).to_contain_text("<script>window.packRan = 5</script>")  # shown as text
    expect(article).to_contain_text("plain prose")
    for selector in ("script", "iframe", "style", "[onerror]", "[onclick]", "[onmouseover]",
                     "a[href^='javascript' i]", "a[href^='data:' i]"):
        assert page.locator(f"#app {selector}").count() == 0, selector
    expect(article.locator("a", has_text="A fair link")).to_have_attribute("href", "https://example.org/fair")
    assert page.evaluate("window.packRan") is None
    assert dialogs == []
    # The pack's picture on another host: refused by the page's policy (img-src 'self')
    # before any connection, never answered.
    assert [url for url in answered if "tracker.invalid" in url] == []
    assert {why for url, why in failed.items() if "tracker.invalid" in url} <= {"csp"}, failed
