"""The account's periodic pull under CPython: while the tab is shown, online, signed in
and syncing, every period brings a sync; a hidden tab, an offline one, a signed-out one
or a sync stopped by an error does not pull. The period comes from the preference,
within its bounds. (The browser test is tests/app/ui/test_account_sync.py.)

Fakes: the window (visible/online switches), the syncer (counts syncs, has a status)
and the sleep (counts, and ends the loop after a number of periods).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from app.services.account import Account, AccountState
from app.services.syncing import SyncStatus
from app.ui.account import PULL_KEY, PULL_S, AccountUi


class Window:
    def __init__(self) -> None:
        self.shown = True
        self.network = True

    def online(self) -> bool:
        return self.network

    def visible(self) -> bool:
        return self.shown

    def on_online(self, handler: Callable[[], None]) -> None: ...

    def on_offline(self, handler: Callable[[], None]) -> None: ...

    def on_visible(self, handler: Callable[[], None]) -> None: ...

    def go(self, url: str) -> None: ...

    def reload(self) -> None: ...

    def query(self) -> str:
        return ""

    def clear_query(self) -> None: ...


class Syncer:
    def __init__(self) -> None:
        self.status = SyncStatus("synced")
        self.syncs = 0
        self.device_id = "web-1"
        self.on_state: Callable[[], None] = lambda: None

    async def sync(self) -> SyncStatus:
        self.syncs += 1
        return self.status


class Preferences:
    def __init__(self, **values: str) -> None:
        self.values = dict(values)

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


class Periods:
    """A sleep that lets ``count`` periods pass, then stops the loop; ``before`` runs
    before each period ends (to change the window or the account meanwhile)."""

    def __init__(self, count: int, before: Callable[[int], None] = lambda n: None) -> None:
        self.count = count
        self.before = before
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        if len(self.waits) == self.count:
            raise asyncio.CancelledError
        self.before(len(self.waits))
        self.waits.append(seconds)


def make(sleep: Periods, preferences: Preferences | None = None) -> tuple[AccountUi, Syncer, Window]:
    syncer, window = Syncer(), Window()
    account = Account(transport=None)  # type: ignore[arg-type]  # the loop sends nothing itself
    account.state = AccountState(server="up", authenticated=True, user_id=7)
    ui = AccountUi(account, syncer, preferences or Preferences(), window, page=None,  # type: ignore[arg-type]
                   lang=lambda: "en", route=lambda: None, rerender=lambda: None,  # type: ignore[arg-type, return-value]
                   erase_device=_nothing, sleep=sleep)
    return ui, syncer, window


async def _nothing() -> None: ...


def run(ui: AccountUi) -> None:
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(ui.pull_periodically())


def test_a_shown_signed_in_tab_pulls_every_period() -> None:
    sleep = Periods(3)
    ui, syncer, _ = make(sleep)
    run(ui)
    assert sleep.waits == [PULL_S] * 3
    assert syncer.syncs == 3


def test_hidden_offline_signed_out_or_stopped_tabs_do_not_pull() -> None:
    ui: AccountUi | None = None

    def meanwhile(n: int) -> None:
        assert ui is not None
        window, syncer, account = ui.window, ui.syncer, ui.account
        window.shown = n != 0  # type: ignore[attr-defined]
        window.network = n != 1  # type: ignore[attr-defined]
        account.state.authenticated = n != 2
        syncer.status = SyncStatus("error", code="device-limit") if n == 3 else SyncStatus("synced")

    sleep = Periods(5, meanwhile)
    ui, syncer, _ = make(sleep)
    run(ui)
    assert syncer.syncs == 1  # only the fifth period: shown, online, signed in, syncing


@pytest.mark.parametrize(("chosen", "seconds"), [
    ("5", 5.0), ("0.1", 2.0), ("99999", 3600.0), ("soon", PULL_S), ("nan", PULL_S), (None, PULL_S)])
def test_the_period_comes_from_the_preference_within_bounds(chosen: str | None, seconds: float) -> None:
    preferences = Preferences(**({PULL_KEY: chosen} if chosen is not None else {}))
    ui, _, _ = make(Periods(0), preferences)
    assert ui.pull_every() == seconds


def test_start_begins_the_pull_once(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    ui, _, _ = make(Periods(0))

    async def refresh() -> None: ...

    async def pull() -> None:
        started.append(1)

    monkeypatch.setattr(ui, "refresh", refresh)
    monkeypatch.setattr(ui, "pull_periodically", pull)

    async def scenario() -> None:
        await ui.start()
        await ui.start()
        await asyncio.sleep(0)

    asyncio.run(scenario())
    assert started == [1]
