"""The account in the real page, against the real server (``python -m server``) whose
GitHub and Google sign-in is played by a local OAuth / OpenID Connect provider over real
HTTP: sign-in from the header, a mark that reaches a second browser signed in as the
same learner, the devices on the account page and the removal of one, sign-out, a
refused sign-in and its reason; a subscription through Checkout to Pro and back to free;
and a static copy of the app (no server) that says so.

Billing runs against a real localstripe with its own signed webhooks to the server.
Stand-in, and why: localstripe has no Checkout and no Customer Portal, so the server's
two calls to them are answered by ``StripeFront`` (tests/server/support/stripe_peer.py),
and the Stripe pages the browser is sent to are played by ``page.route``: the Checkout
page does what a paid Checkout does in localstripe (a card, a subscription) and sends
the browser back to the server's success URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from starlette.staticfiles import StaticFiles

from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot
from tests.conftest import DIST
from tests.server.billing.test_billing import (
    MONTHLY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    YEARLY,
    stripe_peer,
    stripe_side,
    wait_for,
)
from tests.server.support.live import serve
from tests.server.support.oauth_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, build_app
from tests.server.support.oauth_provider import TestUser as Learner  # not a test class
from tests.server.support.stripe_peer import StripeFront, subscribe
from tests.support.server_process import ServerStartError, free_port, running

__all__ = ["stripe_peer"]

pytestmark = pytest.mark.browser

BADGE = "#account-badge"


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    provider = LocalProvider()
    with serve(build_app(provider)) as url:
        provider.issuer = url
        yield provider


@pytest.fixture(scope="module")
def site(provider: LocalProvider, stripe_peer: tuple[str, StripeFront],
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server on dist/, signing in through the local provider, billing through
    localstripe (whose webhooks it receives)."""
    data = tmp_path_factory.mktemp("account-server")
    port = free_port()
    env = {
        "TROPA_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TROPA_GITHUB_CLIENT_ID": CLIENT_ID,
        "TROPA_GITHUB_CLIENT_SECRET": CLIENT_SECRET,
        "TROPA_GITHUB_AUTHORIZE_URL": f"{provider.issuer}/authorize",
        "TROPA_GITHUB_TOKEN_URL": f"{provider.issuer}/token",
        "TROPA_GITHUB_API_URL": f"{provider.issuer}/",
        "TROPA_GOOGLE_CLIENT_ID": CLIENT_ID,
        "TROPA_GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
        "TROPA_GOOGLE_METADATA_URL": f"{provider.issuer}/.well-known/openid-configuration",
        "TROPA_STRIPE_SECRET_KEY": SECRET_KEY,
        "TROPA_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TROPA_STRIPE_PRICE_MONTHLY": MONTHLY,
        "TROPA_STRIPE_PRICE_YEARLY": YEARLY,
        "TROPA_STRIPE_API_BASE": stripe_peer[0],
    }
    webhooks = f"{stripe_peer[1].localstripe_url}/_config/webhooks/tropa"
    try:
        with running(DIST, f"sqlite:///{data}/tropa.db", data / "server.log", env=env, port=port) as url:
            httpx.post(webhooks, data={"url": f"{url}/api/billing/webhook", "secret": WEBHOOK_SECRET}
                       ).raise_for_status()
            yield url
            httpx.post(webhooks, data={"url": "http://127.0.0.1:9/gone", "secret": WEBHOOK_SECRET})
    except ServerStartError as error:
        pytest.fail(str(error))


@pytest.fixture
def browsers(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Browser contexts of this test (each its own device: storage and cookies), closed after."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def device(browsers: list[BrowserContext], browser: Browser, url: str,
           service_workers: Literal["allow", "block"] = "block") -> Page:
    """A new device: a browser context (storage, cookies) of its own. Service workers
    are blocked unless asked for, as in the suite's own context (tests/conftest.py)."""
    context = browser.new_context(base_url=url, service_workers=service_workers)
    browsers.append(context)
    return context.new_page()


def sign_in(page: Page, provider: str = "github") -> None:
    """From the header's "Sign in" through the provider and back, signed in."""
    boot(page, "/#/")
    page.locator(f"{BADGE} a.sign-in").click()
    page.locator(f"a.provider-{provider}").click()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)


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


def test_two_devices_edit_offline_and_converge_and_the_outbox_survives_an_offline_reload(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    # This learner's own devices (the first test's learner has its plan's two already).
    provider.user = Learner(id=9, login="kj", name="Katherine Johnson", email="kj@example.org")
    try:
        # The first device keeps the app in its service worker: it reloads offline.
        first = device(browsers, browser, site, service_workers="allow")
        sign_in(first)
        second = device(browsers, browser, site)
        sign_in(second)
    finally:
        provider.user = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")
    first.wait_for_function("navigator.serviceWorker.controller !== null", timeout=BOOT_TIMEOUT_MS)
    for page in (first, second):
        expect(page.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
    topic = "python.loops"

    first.context.set_offline(True)
    second.context.set_offline(True)
    first.goto(f"/#/topic/{topic}")
    mark = f".marks button[data-topic='{topic}']"
    first.locator(f"{mark}[data-status='learning']").click()
    expect(first.locator(f"{BADGE} .sync-state")).to_have_text("Offline · 1 waiting")
    second.goto(f"/#/topic/{topic}")
    second.locator(f"{mark}[data-status='done']").click()  # the later edit: it wins
    expect(second.locator(f"{BADGE} .sync-state")).to_have_text("Offline · 1 waiting")

    first.reload()  # offline: the page comes from the service worker, the outbox from the device
    expect(first.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(first.locator(f"{BADGE} .no-server")).to_have_text("Offline")
    expect(first.locator(f"{mark}[data-status='learning']")).to_have_attribute("aria-pressed", "true")

    first.context.set_offline(False)  # back online: signed in again, the outbox goes
    expect(first.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
    second.context.set_offline(False)
    expect(second.locator(f"{BADGE} .sync-state")).to_have_attribute("data-phase", "synced")
    expect(second.locator(f"{mark}[data-status='done']")).to_have_attribute("aria-pressed", "true")
    first.goto("/#/account")
    first.locator("button[data-action='sync-now']").click()
    expect(first.locator(".sync .sync-words")).to_have_text("Synced")
    first.goto(f"/#/topic/{topic}")
    expect(first.locator(f"{mark}[data-status='done']")).to_have_attribute("aria-pressed", "true")
    expect(first.locator(f"{mark}[data-status='learning']")).to_have_attribute("aria-pressed", "false")


def test_the_profile_is_saved_and_the_account_deleted_after_a_confirmation(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    provider.user = Learner(id=11, login="mj", name="Mary Jackson", email="mj@example.org")
    try:
        sign_in(page)
        page.goto("/#/account")
        page.locator("form.profile input[name='display_name']").fill("Mary J.")
        page.locator("form.profile button[type='submit']").click()
        expect(page.locator(".account-message")).to_have_text("Profile saved.")
        expect(page.locator(f"{BADGE} .who")).to_have_text("Mary J.")
        page.reload()
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
        expect(page.locator(f"{BADGE} .who")).to_have_text("Mary J.")  # the server's

        page.goto("/#/topic/python.loops")
        done = page.locator(".marks button[data-status='done'][data-topic='python.loops']")
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
    finally:
        provider.user = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")

    # Deleting with "erase this device too": the page starts again with nothing kept.
    page.goto("/#/account")
    page.locator("button[data-action='delete-ask']").click()
    page.locator("form.delete.confirm input[name='erase_device']").check()
    page.locator("form.delete.confirm button[type='submit']").click()
    expect(page.locator(f"{BADGE} a.sign-in")).to_have_text("Sign in", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    page.goto("/#/topic/python.loops")
    expect(done).to_have_attribute("aria-pressed", "false")


def test_notes_reach_the_server_only_while_the_learner_turned_that_on(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    bodies: list[str] = []  # every request body this device sends
    page.context.on("request", lambda request: bodies.append(request.post_data or ""))
    provider.user = Learner(id=12, login="dv", name="Dorothy Vaughan", email="dv@example.org")
    try:
        sign_in(page)
        state = page.locator(f"{BADGE} .sync-state")
        page.goto("/#/topic/python.loops")
        page.locator("textarea[name='note']").fill("My private zebra-42 note")
        page.locator(".note-form button.note-save").click()
        expect(page.locator("section.note .note-body")).to_contain_text("zebra-42")
        page.locator(".marks button[data-status='done'][data-topic='python.loops']").click()
        expect(state).to_have_attribute("data-phase", "synced")
        assert any("python.loops" in body and "topic_progress" in body for body in bodies)
        assert not any("zebra-42" in body for body in bodies)

        page.goto("/#/account")
        toggle = page.locator("input[data-action='private-sync']")
        expect(toggle).not_to_be_checked()  # off unless turned on
        toggle.click()
        expect(toggle).to_be_checked()
        expect(page.locator(".sync .sync-words")).to_have_text("Synced")
        other = device(browsers, browser, site)
        sign_in(other)  # the choice is the account's: this device syncs notes too
        other.goto("/#/topic/python.loops")
        expect(other.locator("section.note .note-body")).to_contain_text("zebra-42")
    finally:
        provider.user = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")
    assert any("zebra-42" in body for body in bodies)

    page.goto("/#/account")
    page.locator("input[data-action='private-sync']").click()
    expect(page.locator("input[data-action='private-sync']")).not_to_be_checked()
    page.goto("/#/topic/python.loops")
    page.locator("textarea[name='note']").fill("My private zebra-43 note")
    page.locator(".note-form button.note-save").click()
    expect(page.locator("section.note .note-body")).to_contain_text("zebra-43")
    page.locator(".marks button[data-status='done'][data-topic='python.loops']").click()  # cleared
    expect(state).to_have_attribute("data-phase", "synced")
    assert not any("zebra-43" in body for body in bodies)


def test_a_third_device_on_the_free_plan_is_told_the_limit_and_syncs_once_one_is_removed(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    provider.user = Learner(id=13, login="mh", name="Margaret Hamilton", email="mh@example.org")
    try:
        pages = [device(browsers, browser, site) for _ in range(3)]
        for page in pages:
            sign_in(page)
    finally:
        provider.user = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")
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


def test_subscribe_through_checkout_to_pro_then_cancel_to_free(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider,
    stripe_peer: tuple[str, StripeFront]
) -> None:
    front = stripe_peer[1]
    page = device(browsers, browser, site)
    provider.user = Learner(id=7, login="grace", name="Grace Hopper", email="grace@example.org")
    try:
        sign_in(page)
    finally:
        provider.user = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")
    expect(page.locator(f"{BADGE} .who")).to_have_text("Grace Hopper")
    subscriptions: list[str] = []

    with stripe_side(front.localstripe_url) as stripe:
        def checkout_page(route: Route) -> None:
            """Stripe's Checkout, paid: a card and a subscription, then back to the app."""
            subscriptions.append(subscribe(stripe, front.checkout_requests[-1]["customer"], MONTHLY))
            route.fulfill(status=303, headers={"location": f"{site}/?checkout=success"})

        page.route("https://checkout.stripe.test/**", checkout_page)
        page.route("https://billing.stripe.test/**", lambda route: route.fulfill(
            content_type="text/html", body="<title>Customer Portal</title><h1>Stand-in</h1>"))
        page.goto("/#/plans")
        expect(page.locator(".plans .current-plan")).to_have_attribute("data-plan", "free")
        page.locator("button[data-action='checkout'][data-plan='monthly']").click()
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
        expect(page.locator(".plans .checkout-success")).to_be_visible()
        expect(page.locator(".plans .current-plan")).to_have_attribute("data-plan", "pro")
        expect(page.locator(f"{BADGE} .plan-tag")).to_have_text("Pro")
        assert front.checkout_requests[-1]["line_items[0][price]"] == MONTHLY
        assert "checkout" not in page.url  # the query is dropped, the route kept

        page.locator("button[data-action='portal']").click()
        expect(page).to_have_title("Customer Portal")
        assert front.portal_requests[-1]["return_url"] == f"{site}/"

        stripe.v1.subscriptions.cancel(subscriptions[0])
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=site, cookies=cookies, timeout=10) as learner:
        wait_for(lambda: learner.get("/api/me/entitlements").json()["plan"] == "free")
    boot(page, "/#/plans")
    expect(page.locator(".plans .current-plan")).to_have_attribute("data-plan", "free")
    expect(page.locator(f"{BADGE} .plan-tag")).to_have_count(0)
