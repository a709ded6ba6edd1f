"""The account's browser tests share this: the real server (``python -m server`` on
dist/) whose GitHub, Google and LinkedIn sign-in is played by a local OAuth / OpenID Connect
provider over real HTTP and whose billing is a real localstripe (its signed webhooks go
to the server), plus helpers for devices (browser contexts) and signing in.

Stand-in, and why: localstripe has no Checkout and no Customer Portal, so the server's
two calls to them are answered by ``StripeFront`` (tests/server/support/stripe_peer.py);
the Stripe pages the browser is sent to are played by ``page.route`` in the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.app.ui.test_shell import BOOT_TIMEOUT_MS, boot
from tests.conftest import DIST
from tests.server.billing.test_billing import MONTHLY, SECRET_KEY, WEBHOOK_SECRET, YEARLY, stripe_peer
from tests.server.support.live import serve
from tests.server.support.oauth_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LINKEDIN,
    LINKEDIN_CLIENT_ID,
    LINKEDIN_CLIENT_SECRET,
    LocalProvider,
    build_app,
)
from tests.server.support.oauth_provider import TestUser as Learner  # not a test class
from tests.server.support.stripe_peer import StripeFront
from tests.support.server_process import ServerStartError, free_port, running

# A test module uses the fixtures by importing them (and naming them in its __all__).
__all__ = ["BADGE", "as_learner", "browsers", "device", "provider", "pushing", "sign_in", "site",
           "stripe_peer"]

BADGE = "#account-badge"
ADA = Learner(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    provider = LocalProvider()
    provider.user = ADA
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
        "TROPA_LINKEDIN_CLIENT_ID": LINKEDIN_CLIENT_ID,
        "TROPA_LINKEDIN_CLIENT_SECRET": LINKEDIN_CLIENT_SECRET,
        "TROPA_LINKEDIN_METADATA_URL": f"{provider.issuer}{LINKEDIN}/.well-known/openid-configuration",
        "TROPA_STRIPE_SECRET_KEY": SECRET_KEY,
        "TROPA_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TROPA_STRIPE_PRICE_MONTHLY": MONTHLY,
        "TROPA_STRIPE_PRICE_YEARLY": YEARLY,
        "TROPA_STRIPE_API_BASE": stripe_peer[0],
        # The premium trails' text as `make content` writes it, beside dist/.
        "TROPA_PREMIUM_CONTENT": str(DIST.parent / "dist-premium" / "premium.json"),
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
    with page.expect_navigation(timeout=BOOT_TIMEOUT_MS):  # back from the provider
        page.locator(f"a.provider-{provider}").click()
    expect(page.locator("#app")).to_have_attribute("data-state", "ready", timeout=BOOT_TIMEOUT_MS)


@contextmanager
def as_learner(provider: LocalProvider, user_id: int, login: str, name: str) -> Iterator[None]:
    """Sign-ins in this block are of another learner (each test its own, so no test
    meets another's devices); Ada again after."""
    provider.user = Learner(id=user_id, login=login, name=name, email=f"{login}@example.org")
    try:
        yield
    finally:
        provider.user = ADA


@contextmanager
def pushing(page: Page, text: str) -> Iterator[None]:
    """Around an edit: waits until this device sends the sync push that carries ``text``
    (the badge says "synced" already before the edit, so it cannot tell the push came)."""
    with page.expect_request(
        lambda request: request.url.endswith("/api/sync/push") and text in (request.post_data or ""),
        timeout=BOOT_TIMEOUT_MS,
    ):
        yield
