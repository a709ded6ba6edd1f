"""The account in the real page, against the real server signed in through a local
OAuth provider (tests/app/ui/account_site.py): sign-in from the header, a mark that
reaches a second browser of the same learner, the devices on the account page and the
removal of one, the free plan's device limit, sign-out, the profile, account deletion,
a refused sign-in and its reason, LinkedIn's sign-in (and a refused one); and a static
copy of the app (no server) that says so.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from starlette.staticfiles import StaticFiles

from tests.app.ui.account_site import (
    BADGE,
    as_learner,
    browsers,
    device,
    provider,
    pushing,
    sign_in,
    site,
    stripe_peer,
)
from tests.app.ui.test_packs import stored_packs
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot
from tests.conftest import DIST
from tests.server.support.live import serve
from tests.server.support.oauth_provider import LocalProvider

__all__ = ["browsers", "provider", "site", "stripe_peer"]

pytestmark = pytest.mark.browser


def test_sign_in_sync_a_mark_to_a_second_device_remove_it_and_sign_out(
    browser: Browser, browsers: list[BrowserContext], site: str
) -> None:
    first = device(browsers, browser, site)
    boot(first, "/#/roadmap/python")
    start = first.locator(".trail-progress a.continue")
    topic = str(start.get_attribute("data-topic"))
    sign_in(first)
    expect(first.locator(f"{BADGE} .who")).to_have_text("Ada Lovelace")
    state = first.locator(f"{BADGE} .sync-state")
    expect(state).to_have_attribute("data-phase", "synced")

    first.goto(f"/#/topic/{topic}")
    done = first.locator(f".marks button[data-status='done'][data-topic='{topic}']")
    with pushing(first, topic):
        done.click()
    expect(done).to_have_attribute("aria-pressed", "true")
    # The edit waits in the outbox, then is sent (a moment later: edits in a row go once).
    expect(state).to_have_attribute("data-phase", "synced")
    expect(state).to_have_text("Synced")

    second = device(browsers, browser, site)
    sign_in(second)
    expect(second.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
    second.goto(f"/#/topic/{topic}")
    expect(second.locator(f".marks button[data-status='done'][data-topic='{topic}']")).to_have_attribute(
        "aria-pressed", "true")

    # Later edits there show here when the learner comes back to this tab (no edit here).
    first.locator(f".marks button[data-status='learning'][data-topic='{topic}']").click()
    learning = f".marks button[data-status='learning'][data-topic='{topic}']"
    second.wait_for_function("""(selector) => {
        document.dispatchEvent(new Event('visibilitychange'));  // the tab shown again
        return document.querySelector(selector)?.getAttribute('aria-pressed') === 'true';
    }""", arg=learning, polling=1000, timeout=BOOT_TIMEOUT_MS)

    second.goto("/#/account")
    devices = second.locator(".devices li.device")
    expect(devices).to_have_count(2)
    expect(second.locator(".devices li.device[data-mine]")).to_have_count(1)
    other = second.locator(".devices li.device:not([data-mine])")
    removed = str(other.get_attribute("data-device"))
    other.locator("button[data-action='remove-device']").click()
    expect(devices).to_have_count(1)
    expect(second.locator(f".devices li.device[data-device='{removed}']")).to_have_count(0)

    # The removed device is told so at its next sync, and keeps its mark.
    first.goto("/#/account")
    first.locator("button[data-action='sync-now']").click()
    expect(first.locator(".sync .sync-words")).to_have_text(
        "This device was removed from your account's devices.")
    first.goto(f"/#/topic/{topic}")
    expect(first.locator(learning)).to_have_attribute("aria-pressed", "true")

    second.goto("/#/account")
    second.locator("button[data-action='sign-out']").click()
    expect(second.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")
    expect(second.locator("a.provider-github")).to_have_text("Continue with GitHub")
    second.reload()
    expect(second.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(second.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")


def test_a_third_device_on_the_free_plan_is_told_the_limit_and_syncs_once_one_is_removed(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    with as_learner(provider, 13, "mh", "Margaret Hamilton"):
        pages = [device(browsers, browser, site) for _ in range(3)]
        for page in pages:
            sign_in(page)
    third = pages[2]
    expect(third.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "error")
    third.goto("/#/account")
    words = third.locator(".sync .sync-words")
    expect(words).to_have_text("Your plan syncs 2 devices and this would be another: remove one "
                               "below, or move to Pro.")
    listed = third.locator(".devices li.device")
    expect(listed).to_have_count(2)  # the other two; this one is not syncing
    listed.first.locator("button[data-action='remove-device']").click()
    expect(listed).to_have_count(1)
    third.locator("button[data-action='sync-now']").click()
    expect(words).to_have_text("Synced")
    expect(listed).to_have_count(2)
    expect(third.locator(".devices li.device[data-mine]")).to_have_count(1)


def test_the_profile_is_saved_and_the_account_deleted_after_a_confirmation(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    with as_learner(provider, 11, "mj", "Mary Jackson"):
        sign_in(page)
        page.goto("/#/account")
        name = page.locator("form.profile input[name='display_name']")
        name.fill("Mary J.")
        # A redraw of the page while typing (here: the sync state) keeps what was typed.
        page.locator("button[data-action='sync-now']").click()
        expect(page.locator(".sync .sync-words")).to_have_text("Synced")
        expect(name).to_have_value("Mary J.")
        page.locator("form.profile button[type='submit']").click()
        expect(page.locator(".account-message")).to_have_text("Profile saved.")
        expect(page.locator(f"{BADGE} .who")).to_have_text("Mary J.")
        page.reload()
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
        expect(page.locator(f"{BADGE} .who")).to_have_text("Mary J.")  # the server's

        page.goto("/#/topic/python.loops")
        done = page.locator(".marks button[data-status='done'][data-topic='python.loops']")
        with pushing(page, "python.loops"):
            done.click()
        expect(page.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
        page.goto("/#/account")
        page.locator("button[data-action='delete-ask']").click()
        confirm = page.locator("form.delete.confirm")
        expect(confirm).to_contain_text("On the server: your profile")
        page.locator("button[data-action='delete-cancel']").click()
        expect(confirm).to_have_count(0)
        page.locator("button[data-action='delete-ask']").click()
        page.locator("form.delete.confirm button[type='submit']").click()
        expect(page.locator(".account-message")).to_have_text("Your account was deleted.")
        expect(page.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")
        page.goto("/#/topic/python.loops")
        expect(done).to_have_attribute("aria-pressed", "true")  # kept on this device

        # Signing in again makes a new account, and what this device holds goes to it.
        sign_in(page)
        expect(page.locator(f"{BADGE} .who")).to_have_text("Mary Jackson")
        expect(page.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
        other = device(browsers, browser, site)
        sign_in(other)
        other.goto("/#/topic/python.loops")
        expect(other.locator(".marks button[data-status='done'][data-topic='python.loops']")
               ).to_have_attribute("aria-pressed", "true")

    # Deleting with "erase this device too": the page starts again with nothing kept, the
    # course packs included (a record of another version stands in for a pack: the shelf
    # leaves it out when it loads, so only a clear of the whole database removes it).
    page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('tropa-packs');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const tx = open.result.transaction(['packs'], 'readwrite');
            tx.objectStore('packs').put(JSON.stringify({v: 0, id: 'old-pack'}), 'old-pack');
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
        };
    })""")
    assert stored_packs(page) == ["old-pack"]
    page.goto("/#/account")
    page.locator("button[data-action='delete-ask']").click()
    page.locator("form.delete.confirm input[name='erase_device']").check()
    with page.expect_event("load", timeout=BOOT_TIMEOUT_MS):  # the page starts again
        page.locator("form.delete.confirm button[type='submit']").click()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")
    page.goto("/#/topic/python.loops")
    expect(done).to_have_attribute("aria-pressed", "false")
    assert stored_packs(page) == []


def test_a_refused_sign_in_says_why_on_the_account_page(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    provider.id_token_audience = "someone-else"  # an ID token meant for another app
    try:
        sign_in(page, "google")
    finally:
        provider.id_token_audience = None
    error = page.locator(".sign-in-box .sign-in-error")
    expect(error).to_contain_text("Sign-in failed: Login with google failed:")
    expect(page.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")


def test_linkedin_is_offered_a_refused_linkedin_sign_in_says_why_and_then_one_signs_in(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    boot(page, "/#/account")
    expect(page.locator("a.provider-linkedin")).to_have_text("Continue with LinkedIn")
    provider.id_token_nonce = "wrong"  # an ID token of another sign-in
    try:
        sign_in(page, "linkedin")
    finally:
        provider.id_token_nonce = "echo"
    error = page.locator(".sign-in-box .sign-in-error")
    expect(error).to_contain_text("Sign-in failed: Login with linkedin failed:")
    expect(error).to_contain_text("nonce")
    expect(page.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in")
    with as_learner(provider, 14, "sk", "Susan Kare"):
        sign_in(page, "linkedin")
    expect(page.locator(f"{BADGE} .who")).to_have_text("Susan Kare")


def test_a_static_copy_without_a_server_loads_and_says_accounts_are_unavailable(
    browser: Browser, browsers: list[BrowserContext]
) -> None:
    with serve(StaticFiles(directory=DIST, html=True)) as url:
        page = device(browsers, browser, url)
        boot(page, "/#/")
        expect(page.locator(".card h2").first).to_be_visible()
        expect(page.locator(f"{BADGE} .no-server")).to_have_text("No account server: kept on this device")
        page.locator(f"{BADGE} .no-server").click()
        expect(page.locator("article.account .notice")).to_contain_text("runs without one")
        expect(page.locator("a.provider")).to_have_count(0)
