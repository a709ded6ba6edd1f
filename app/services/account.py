"""The learner's account as the app sees it: whether a server answers, who is signed
in, the profile, the plan, the devices that sync, and the account's actions (sign out,
save the profile, remove a device, delete the account, open Checkout or the Portal).

Everything goes through one ``Transport`` to the app's own server. A static copy of the
app (no server) answers ``/api/session`` with a 404 or an HTML page: the account is then
``server == "none"`` and the UI hides everything that needs one; ``refresh`` after the
``online`` event (or a later probe) brings it back when a server answers.

>>> account = Account(transport)                          # doctest: +SKIP
>>> await account.refresh(); account.signed_in            # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from app.core.errors import TropaError
from app.ports import Reply, Request, Transport, TransportError

ServerState = Literal["unknown", "none", "up"]
PROVIDER_NAMES = {"github": "GitHub", "google": "Google", "linkedin": "LinkedIn"}


class AccountError(TropaError):
    """An account action failed; the message says why (the server's own reason when it gave one)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Device:
    device_id: str
    first_seen: str  # ISO date-time, as the server wrote it


@dataclass
class AccountState:
    server: ServerState = "unknown"
    authenticated: bool = False
    user_id: int | None = None
    providers: list[str] = field(default_factory=list)
    billing: bool = False
    display_name: str = ""
    language: str = "en"
    preferences: dict[str, Any] = field(default_factory=dict)
    plan: str = "free"
    premium_roadmaps: bool = False
    plan_known: bool = False  # the server's answer about the plan was read
    max_devices: int | None = None
    devices: list[Device] = field(default_factory=list)
    login_error: str = ""  # why the last sign-in was refused (the server says it once)
    notice: str = ""  # what the last action or refresh could not do


class Account:
    """The account state and its actions; ``on_change()`` is called after each change."""

    def __init__(self, transport: Transport, on_change: Callable[[], None] = lambda: None) -> None:
        self.transport = transport
        self.on_change = on_change
        self.state = AccountState()
        self._csrf = ""
        self._profile_saves = 0  # a refresh begun before a save must not undo it

    # -- reading ---------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.state.server == "up" and self.state.authenticated

    async def refresh(self) -> AccountState:
        """Ask the server who is signed in, then (when someone is) the profile, the plan
        and the devices. No answer, or one that is not Tropa's, means no server."""
        saves = self._profile_saves
        try:
            reply = await self.transport.send(Request("GET", "/api/session"))
        except TransportError as error:
            return self._no_server(str(error))
        body = reply.body
        if reply.status != 200 or not isinstance(body, dict) or "authenticated" not in body:
            return self._no_server(f"/api/session answered HTTP {reply.status}")
        state = AccountState(
            server="up",
            authenticated=bool(body.get("authenticated")),
            user_id=body.get("user_id") if isinstance(body.get("user_id"), int) else None,
            providers=[str(p) for p in body.get("providers") or []],
            billing=bool(body.get("billing")),
            login_error=str(body.get("login_error") or self.state.login_error or ""),
        )
        self._csrf = str(body.get("csrf_token") or "")
        if state.authenticated:
            try:
                await self._load_learner(state)
            except AccountError as error:
                state.notice = str(error)
        if saves != self._profile_saves and state.user_id == self.state.user_id:
            # Saved while this refresh waited for its answers: the saved profile is newer.
            state.display_name, state.language = self.state.display_name, self.state.language
            state.preferences = self.state.preferences
        self.state = state
        self.on_change()
        return state

    def _no_server(self, why: str) -> AccountState:
        self.state = AccountState(server="none", notice=why)
        self.on_change()
        return self.state

    async def _load_learner(self, state: AccountState) -> None:
        profile = await self._json("GET", "/api/me/profile")
        state.display_name = str(profile.get("display_name") or "")
        state.language = str(profile.get("language") or "en")
        prefs = profile.get("preferences")
        state.preferences = dict(prefs) if isinstance(prefs, dict) else {}
        plan = await self._json("GET", "/api/me/entitlements")
        state.plan = str(plan.get("plan") or "free")
        state.premium_roadmaps = bool(plan.get("premium_roadmaps"))
        state.plan_known = "plan" in plan
        await self._load_devices(state)

    async def _load_devices(self, state: AccountState) -> None:
        listed = await self._json("GET", "/api/sync/devices")
        state.devices = [Device(str(d["device_id"]), str(d.get("first_seen") or ""))
                         for d in listed.get("devices") or [] if isinstance(d, dict) and "device_id" in d]
        limit = listed.get("max_devices")
        state.max_devices = limit if isinstance(limit, int) else None

    # -- actions ---------------------------------------------------------------------------

    def clear_login_error(self) -> None:
        self.state.login_error = ""

    async def sign_out(self) -> None:
        """End the session on the server (every copy of its cookie too)."""
        await self._json("POST", "/auth/logout")
        await self.refresh()

    async def save_profile(self, display_name: str | None = None, language: str | None = None,
                           preferences: dict[str, Any] | None = None) -> None:
        """Change the fields given; the server checks them (a bad one raises AccountError
        naming it)."""
        body: dict[str, Any] = {}
        if display_name is not None:
            body["display_name"] = display_name
        if language is not None:
            body["language"] = language
        if preferences is not None:
            body["preferences"] = {**self.state.preferences, **preferences}
        profile = await self._json("PATCH", "/api/me/profile", body)
        self._profile_saves += 1
        self.state.display_name = str(profile.get("display_name") or self.state.display_name)
        self.state.language = str(profile.get("language") or self.state.language)
        if isinstance(profile.get("preferences"), dict):
            self.state.preferences = dict(profile["preferences"])
        self.state.notice = ""
        self.on_change()

    async def remove_device(self, device_id: str) -> None:
        await self._json("DELETE", f"/api/sync/devices/{device_id}")
        await self._load_devices(self.state)
        self.on_change()

    async def reload_devices(self) -> None:
        if self.signed_in:
            await self._load_devices(self.state)
            self.on_change()

    async def delete_account(self) -> None:
        """Delete the account and everything the server holds of it (a subscription is
        cancelled first; if Stripe cannot be reached nothing is deleted)."""
        await self._json("DELETE", "/api/me")
        await self.refresh()

    async def checkout_url(self, plan: str) -> str:
        """Where Stripe Checkout for ``plan`` (monthly or yearly) waits."""
        return str((await self._json("POST", "/api/billing/checkout", {"plan": plan}))["url"])

    async def portal_url(self) -> str:
        """Where the Stripe Customer Portal for this learner waits."""
        return str((await self._json("POST", "/api/billing/portal"))["url"])

    # -- the wire --------------------------------------------------------------------------

    async def _json(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        for attempt in range(2):
            headers = {"x-csrf-token": self._csrf} if method != "GET" else {}
            try:
                reply = await self.transport.send(Request(method, path, json=body, headers=headers))
            except TransportError as error:
                raise AccountError(f"The server did not answer: {error}") from error
            if reply.status == 403 and method != "GET" and attempt == 0:
                await self._renew_csrf()  # the session was renewed since the token was read
                continue
            if not 200 <= reply.status < 300:
                raise AccountError(reason(reply), reply.status)
            return reply.body if isinstance(reply.body, dict) else {}
        raise AccountError("The server refused the request's CSRF token twice", 403)

    async def _renew_csrf(self) -> None:
        try:
            reply = await self.transport.send(Request("GET", "/api/session"))
        except TransportError:
            return
        if isinstance(reply.body, dict):
            self._csrf = str(reply.body.get("csrf_token") or "")


def reason(reply: Reply) -> str:
    """The server's reason for a refusal: its ``detail`` text or first validation message."""
    body = reply.body
    if isinstance(body, dict):
        detail = body.get("detail")
        if isinstance(detail, str):
            return detail
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            where = ".".join(str(p) for p in detail[0].get("loc", []) if p != "body")
            return f"{where}: {detail[0].get('msg', '')}".strip(": ")
    return f"HTTP {reply.status}"
