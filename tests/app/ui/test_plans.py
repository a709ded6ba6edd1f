"""The plans page in the real page against localstripe: free, Checkout, Pro shown,
the Customer Portal, cancel, free again.

Stand-in, and why: localstripe has no Checkout and no Portal. The server's calls to them
are answered by ``StripeFront``; the Stripe pages the browser goes to are played by
``page.route``: the Checkout page does what a paid Checkout does in localstripe (a card,
a subscription) and sends the browser back to the server's success URL. The webhooks
that make the plan Pro and free again are localstripe's own, signed, to the server.
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
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot
from tests.server.billing.test_billing import MONTHLY, stripe_side, wait_for
from tests.server.support.oauth_provider import LocalProvider
from tests.server.support.stripe_peer import StripeFront, subscribe

__all__ = ["browsers", "provider", "site", "stripe_peer"]

pytestmark = pytest.mark.browser


def test_subscribe_through_checkout_to_pro_then_cancel_to_free(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider,
    stripe_peer: tuple[str, StripeFront]
) -> None:
    front = stripe_peer[1]
    page = device(browsers, browser, site)
    with as_learner(provider, 7, "grace", "Grace Hopper"):
        sign_in(page)
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
        with page.expect_navigation(url="**/?checkout=success", timeout=BOOT_TIMEOUT_MS):
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
