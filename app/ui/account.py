"""The account's controller: starts the account and sync, keeps the header badge in
step with them, renders the account and plans pages, and runs their actions.

The shell asks it for the badge and the two pages and hands it the clicks and submits
whose ``data-action`` it ``handles``. It touches the page only through ``Page`` and the
``AccountWindow`` below (``app.bridge.transport.BrowserWindow`` on the browser).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol
from urllib.parse import parse_qs

from app.core.errors import TropaError
from app.core.i18n import LANGUAGES, t
from app.core.library.routes import Route, href
from app.ports import Page, Preferences
from app.services.account import Account, AccountState
from app.services.syncing import Syncer
from app.ui import account_view
from app.ui.account_view import AccountView
from app.ui.html import Markup

PAGES = ("account", "plans")
ACTIONS = frozenset({
    "sign-out", "sync-now", "sync-resume", "remove-device", "delete-ask", "delete-cancel",
    "checkout", "portal", "private-sync", "account-refresh",
})
FORMS = frozenset({"profile", "delete-account"})
PRIVATE_KEY = "sync_private"
PAUSED_KEY = "sync_paused"
# Probing for a server when none answered: the first wait, doubled up to the last.
PROBE_S = (15.0, 300.0)
# Back from Checkout: Stripe's webhook makes the plan Pro a moment later; ask this often, this many times.
CONFIRM_S, CONFIRM_TRIES = 2.0, 30
# While the tab is shown and signed in: pull this often, so another device's edits arrive
# without a reload or an edit here (a hidden tab pulls when it is shown again). A
# preference (localStorage ``tropa.sync_pull_s``) may set another period, within PULL_RANGE_S.
PULL_S, PULL_KEY, PULL_RANGE_S = 180.0, "sync_pull_s", (2.0, 3600.0)


class AccountWindow(Protocol):
    def online(self) -> bool: ...

    def visible(self) -> bool: ...

    def on_online(self, handler: Callable[[], None]) -> None: ...

    def on_offline(self, handler: Callable[[], None]) -> None: ...

    def on_visible(self, handler: Callable[[], None]) -> None: ...

    def go(self, url: str) -> None: ...

    def reload(self) -> None: ...

    def query(self) -> str: ...

    def clear_query(self) -> None: ...


class AccountUi:
    def __init__(self, account: Account, syncer: Syncer, preferences: Preferences, window: AccountWindow,
                 page: Page, *, lang: Callable[[], str], route: Callable[[], Route],
                 rerender: Callable[[], None], erase_device: Callable[[], Awaitable[None]],
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 on_account: Callable[[AccountState], None] = lambda state: None) -> None:
        self.account = account
        self.syncer = syncer
        self.preferences = preferences
        self.window = window
        self.page = page
        self.lang = lang
        self.route = route
        self.rerender = rerender
        self.erase_device = erase_device
        self.sleep = sleep
        # Told of every change of the account (the premium text follows the plan).
        self.on_account = on_account
        self.confirm_delete = False
        self.message = ""
        self.checkout = ""
        self._probe: asyncio.Task[None] | None = None
        self._pull: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Future[Any]] = set()
        account.on_change = self.changed
        syncer.on_state = self.changed

    # -- state ------------------------------------------------------------------------------

    def private_sync(self) -> bool:
        return self.preferences.get(PRIVATE_KEY) == "1"

    def paused(self) -> bool:
        return self.preferences.get(PAUSED_KEY) == "1"

    def view(self) -> AccountView:
        return AccountView(self.account.state, self.syncer.status, self.syncer.device_id,
                           self.private_sync(), self.paused(), self.confirm_delete, self.message,
                           self.checkout, self.window.online())

    # -- lifetime ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Ask the server who is signed in, start sync when someone is, and listen for
        the network coming back (sync, or look for a server again)."""
        query = parse_qs(self.window.query().lstrip("?"))
        self.checkout = (query.get("checkout") or [""])[0]
        if self.checkout:
            self.window.clear_query()
            self.page.navigate(href(Route("plans")))  # where the outcome is said
        self.window.on_online(lambda: self._spawn(self._catch_up()))
        # Back to this tab: what other devices did since shows up without an edit here.
        self.window.on_visible(lambda: self._spawn(self._catch_up()))
        self.window.on_offline(self._went_offline)
        if self._pull is None:
            self._pull = asyncio.ensure_future(self.pull_periodically())
        await self.refresh()
        if self.checkout == "success":
            self._spawn(self._confirm_pro())

    async def _confirm_pro(self) -> None:
        """Ask again until the plan is Pro (the webhook came) or the tries are spent."""
        for _ in range(CONFIRM_TRIES):
            state = self.account.state
            if state.plan == "pro" or not self.account.signed_in:
                return
            await self.sleep(CONFIRM_S)
            await self.account.refresh()

    async def refresh(self) -> None:
        state = await self.account.refresh()
        if state.server != "up":
            self.syncer.stop()
            self._probe_later()
            return
        prefs = state.preferences.get(PRIVATE_KEY)
        if isinstance(prefs, bool) and prefs != self.private_sync():
            self.preferences.set(PRIVATE_KEY, "1" if prefs else "0")  # the account's choice
        if state.authenticated and state.user_id is not None and not self.paused():
            await self.syncer.start(state.user_id)
            await self.account.reload_devices()  # this device is listed once registered
        elif not state.authenticated:
            self.syncer.stop()

    def pull_every(self) -> float:
        """Seconds between two pulls: PULL_S, or the preference's within PULL_RANGE_S."""
        try:
            chosen = float(self.preferences.get(PULL_KEY) or PULL_S)
        except ValueError:
            return PULL_S
        low, high = PULL_RANGE_S
        return min(max(chosen, low), high) if chosen == chosen else PULL_S  # NaN: the default

    async def pull_periodically(self) -> None:
        """Forever: wait ``pull_every()``, then sync if this tab is shown, online, signed
        in and syncing (not stopped by an error such as the device limit)."""
        while True:
            await self.sleep(self.pull_every())
            if (self.account.signed_in and self.window.visible() and self.window.online()
                    and self.syncer.status.phase in ("synced", "pending", "offline")):
                await self.syncer.sync()

    def _went_offline(self) -> None:
        self.changed()  # the badge says offline, not that no server answers
        self._spawn(self.syncer.sync())

    async def _catch_up(self) -> None:
        if self.account.state.server != "up":
            await self.refresh()
        else:
            await self.syncer.sync()

    def _probe_later(self) -> None:
        """No server answered: ask again later, less and less often."""
        if self._probe is not None and not self._probe.done():
            return

        async def probe() -> None:
            wait, most = PROBE_S
            while self.account.state.server != "up":
                await self.sleep(wait)
                wait = min(wait * 2, most)
                await self.account.refresh()
            await self.refresh()

        self._probe = asyncio.ensure_future(probe())

    def _spawn(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- rendering --------------------------------------------------------------------------

    def badge(self, lang: str) -> Markup:
        return account_view.badge(self.view(), lang)

    def content(self, route: Route, lang: str) -> Markup | None:
        """The body of the account or plans page; None on other routes."""
        if route.view == "account":
            return account_view.account_page(self.view(), lang)
        if route.view == "plans":
            return account_view.plans_page(self.view(), lang)
        return None

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    def changed(self) -> None:
        """The account or sync changed: redraw the page if it shows them (keeping what the
        learner was typing in the profile form), else only the badge."""
        self.on_account(self.account.state)
        if self.route().view in PAGES:
            typed = self._typed()
            self.rerender()
            self._put_back(typed)
            return
        badge = self.page.element("account-badge")
        if badge:
            badge.outerHTML = str(self.badge(self.lang()))

    def _typed(self) -> dict[str, tuple[str, bool]]:
        """Each profile field's value and whether it has the focus, as the page has them."""
        fields = {}
        for field_id in account_view.PROFILE_FIELDS:
            element = self.page.element(field_id)
            if element:
                fields[field_id] = (str(element.value), bool(element.matches(":focus")))
        return fields

    def _put_back(self, typed: dict[str, tuple[str, bool]]) -> None:
        for field_id, (value, focused) in typed.items():
            element = self.page.element(field_id)
            if element:
                element.value = value
                if focused:
                    element.focus()

    # -- actions ----------------------------------------------------------------------------

    def handles(self, action: str) -> bool:
        return action in ACTIONS or action in FORMS

    async def act(self, action: str, element: Any) -> None:
        """Run a button's action; a failure is said on the page, nothing is lost."""
        self.message = ""
        try:
            await self._act(action, element)
        except TropaError as error:
            self.message = t(self.lang(), "account_failed", reason=str(error))
        self.changed()

    async def _act(self, action: str, element: Any) -> None:
        account = self.account
        if action == "sign-out":
            await account.sign_out()
            self.syncer.stop()
        elif action == "sync-now":
            await self.syncer.sync()
            await account.reload_devices()
        elif action == "sync-resume":
            self.preferences.set(PAUSED_KEY, "0")
            self.syncer.stop()  # a fresh client registers this device again
            await self.refresh()
        elif action == "remove-device":
            device = str(element.dataset.device)
            await account.remove_device(device)
            if device == self.syncer.device_id:
                self.preferences.set(PAUSED_KEY, "1")
                self.syncer.stop()
        elif action in ("delete-ask", "delete-cancel"):
            self.confirm_delete = action == "delete-ask"
        elif action == "checkout":
            plan = str(element.dataset.plan)
            if plan in ("monthly", "yearly"):
                self.window.go(await account.checkout_url(plan))
        elif action == "portal":
            self.window.go(await account.portal_url())
        elif action == "private-sync":
            on = bool(element.checked)
            self.preferences.set(PRIVATE_KEY, "1" if on else "0")
            if on:
                self.syncer.attach_again()
            await account.save_profile(preferences={PRIVATE_KEY: on})
        elif action == "account-refresh":
            await self.refresh()

    async def submit(self, action: str, form: Any) -> None:
        self.message = ""
        try:
            if action == "profile":
                name = str(form.elements.namedItem("display_name").value).strip()
                language = str(form.elements.namedItem("language").value)
                await self.account.save_profile(name, language if language in LANGUAGES else None)
                self.message = t(self.lang(), "profile_saved")
            elif action == "delete-account":
                erase = bool(form.elements.namedItem("erase_device").checked)
                await self.account.delete_account()
                await self.syncer.forget()
                self.confirm_delete = False
                self.message = t(self.lang(), "account_deleted")
                if erase:
                    await self.erase_device()
                    self.window.reload()
                    return
        except TropaError as error:
            self.message = t(self.lang(), "account_failed", reason=str(error))
        self.changed()
