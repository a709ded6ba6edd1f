"""A Pro trail in the real page against the real server and localstripe: a free learner
sees git-internals' outline and the upgrade note, not its text, and the note leads to
the plans page; after Checkout (the stand-in of tests/app/ui/test_plans.py: the Checkout
page is played by ``page.route`` and does in localstripe what a paid Checkout does) and
localstripe's signed webhook the learner is Pro and reads the topic; once the
subscription is cancelled the topic is locked again, on the next load.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Route, expect

from tests.app.ui.account_site import (
    BADGE,
    as_learner,
    browsers,
    device,
    provider,
    sign_in,
    site,
    stripe_peer,
)
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS
from tests.server.billing.test_billing import MONTHLY, stripe_side, wait_for
from tests.server.support.oauth_provider import LocalProvider
from tests.server.support.stripe_peer import StripeFront, subscribe

__all__ = ["browsers", "provider", "site", "stripe_peer"]

pytestmark = pytest.mark.browser

TOPIC = "git-internals.objects"
SENTENCE = "Because a tree names blobs by content"  # content/en/git-internals/objects.md


def test_free_sees_the_outline_pro_reads_the_text_cancelled_is_locked_again(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider,
    stripe_peer: tuple[str, StripeFront]
) -> None:
    front = stripe_peer[1]
    page = device(browsers, browser, site)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url)
            if "/api/content/premium/" in request.url else None)
    with as_learner(provider, 16, "rf", "Rosalind Franklin"):
        sign_in(page)
    page.goto("/#/roadmap/git-internals")
    expect(page.locator(".premium-note")).to_have_attribute("data-locked", "true")
    page.goto(f"/#/topic/{TOPIC}")
    lock = page.locator("article.topic .premium-lock")
    expect(lock).to_contain_text("The text of this topic is part of Pro.")
    expect(page.locator("article.topic h1")).to_have_text("Objects: blobs, trees, commits and tags")
    expect(page.locator("article.topic .prose")).to_have_count(0)
    assert SENTENCE not in page.content()
    assert asked == []  # a free learner does not even ask

    lock.locator("a.upgrade").click()
    expect(page.locator(".plans .current-plan")).to_have_attribute("data-plan", "free")
    with stripe_side(front.localstripe_url) as stripe:
        subscriptions: list[str] = []

        def checkout_page(route: Route) -> None:
            subscriptions.append(subscribe(stripe, front.checkout_requests[-1]["customer"], MONTHLY))
            route.fulfill(status=303, headers={"location": f"{site}/?checkout=success"})

        page.route("https://checkout.stripe.test/**", checkout_page)
        with page.expect_navigation(url="**/?checkout=success", timeout=BOOT_TIMEOUT_MS):
            page.locator("button[data-action='checkout'][data-plan='monthly']").click()
        expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
        expect(page.locator(f"{BADGE} .plan-tag")).to_have_text("Pro", timeout=BOOT_TIMEOUT_MS)
        page.goto(f"/#/topic/{TOPIC}")
        expect(page.locator("article.topic .prose")).to_contain_text(SENTENCE, timeout=BOOT_TIMEOUT_MS)
        expect(page.locator("article.topic .premium-lock")).to_have_count(0)
        expect(page.locator("article.topic .resources a").first).to_have_text("Pro Git: Git Objects")
        assert any(url.endswith("/api/content/premium/git-internals") for url in asked)
        stripe.v1.subscriptions.cancel(subscriptions[0])

    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=site, cookies=cookies, timeout=10) as learner:
        wait_for(lambda: learner.get("/api/me/entitlements").json()["plan"] == "free")
    page.reload()  # the next visit: the device still keeps the text, the server says free
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("article.topic .premium-lock")).to_be_visible(timeout=BOOT_TIMEOUT_MS)
    expect(page.locator("article.topic .prose")).to_have_count(0)
    stored = page.evaluate("""() => new Promise((done, failed) => {
        const open = indexedDB.open('tropa');
        open.onerror = () => failed(open.error);
        open.onsuccess = () => {
            const read = open.result.transaction('meta').objectStore('meta').get('premium');
            read.onsuccess = () => done(read.result === undefined ? null : String(read.result));
            read.onerror = () => failed(read.error);
        };
    })""")
    assert stored is None  # forgotten on the device, not only hidden
