"""Sync between two browsers of one learner in the real page: both edit offline, one
reloads offline from the service worker, both end on the contract's rule; notes reach
the server only while the learner turned that on in the account page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

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
from tests.app.ui.test_shell import BOOT_TIMEOUT_MS
from tests.server.support.oauth_provider import LocalProvider

__all__ = ["browsers", "provider", "site", "stripe_peer"]

pytestmark = pytest.mark.browser


def test_two_devices_edit_offline_and_converge_and_the_outbox_survives_an_offline_reload(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    # This learner's own devices (the first test's learner has its plan's two already).
    with as_learner(provider, 9, "kj", "Katherine Johnson"):
        # The first device keeps the app in its service worker: it reloads offline.
        first = device(browsers, browser, site, service_workers="allow")
        sign_in(first)
        second = device(browsers, browser, site)
        sign_in(second)
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


def test_notes_reach_the_server_only_while_the_learner_turned_that_on(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    page = device(browsers, browser, site)
    bodies: list[str] = []  # every request body this device sends
    page.context.on("request", lambda request: bodies.append(request.post_data or ""))
    with as_learner(provider, 12, "dv", "Dorothy Vaughan"):
        sign_in(page)
        state = page.locator(f"{BADGE} .sync-state")
        page.goto("/#/topic/python.loops")
        page.locator("textarea[name='note']").fill("My private zebra-42 note")
        page.locator(".note-form button.note-save").click()
        expect(page.locator("section.note .note-body")).to_contain_text("zebra-42")
        with pushing(page, "python.loops"):
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
    assert any("zebra-42" in body for body in bodies)

    page.goto("/#/account")
    page.locator("input[data-action='private-sync']").click()
    expect(page.locator("input[data-action='private-sync']")).not_to_be_checked()
    page.goto("/#/topic/python.loops")
    page.locator("textarea[name='note']").fill("My private zebra-43 note")
    page.locator(".note-form button.note-save").click()
    expect(page.locator("section.note .note-body")).to_contain_text("zebra-43")
    with pushing(page, "python.loops"):  # the mark cleared: progress still syncs
        page.locator(".marks button[data-status='done'][data-topic='python.loops']").click()
    expect(state).to_have_attribute("data-phase", "synced")
    assert not any("zebra-43" in body for body in bodies)


def test_an_edit_on_one_device_shows_on_another_shown_tab_without_a_reload(
    browser: Browser, browsers: list[BrowserContext], site: str, provider: LocalProvider
) -> None:
    """The periodic pull (app/ui/account.py): the second tab gets no event, no edit and
    no reload, and still shows the first one's mark. Its period is set short here
    (the ``tropa.sync_pull_s`` preference), as a learner's would be minutes."""
    with as_learner(provider, 15, "ae", "Annie Easley"):
        first = device(browsers, browser, site)
        sign_in(first)
        second = device(browsers, browser, site)
        second.context.add_init_script("localStorage.setItem('tropa.sync_pull_s', '3')")
        sign_in(second)
    topic = "python.loops"
    done = f".marks button[data-status='done'][data-topic='{topic}']"
    second.goto(f"/#/topic/{topic}")
    expect(second.locator(done)).to_have_attribute("aria-pressed", "false")
    loads: list[str] = []
    second.on("load", lambda page: loads.append(page.url))
    first.goto(f"/#/topic/{topic}")
    with pushing(first, topic):
        first.locator(done).click()
    expect(second.locator(done)).to_have_attribute("aria-pressed", "true", timeout=BOOT_TIMEOUT_MS)
    assert loads == []

