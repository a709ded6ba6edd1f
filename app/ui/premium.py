"""The premium trails in the app: unlocked for a Pro learner, locked for everyone else.

``unlock_kept`` puts the text this device keeps into the freshly loaded library (so a Pro
learner reads offline); ``follow`` is told of every account change (and once more when
the library is loaded, which may come after the account's answer) and, once the server
has said who is signed in and on which plan, fetches the text (Pro) or forgets it and
locks the trails again (free, signed out), then redraws. The locked page itself (the
outline and the upgrade note) is ``app.ui.views``'s, drawn from ``Topic.locked``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from app.core.library.catalog import Library
from app.services.account import AccountState
from app.services.premium import PremiumError, PremiumText, verdict


class PremiumUi:
    def __init__(self, text: PremiumText, *, library: Callable[[], Library | None],
                 set_library: Callable[[Library], None], rerender: Callable[[], None]) -> None:
        self.text = text
        self.library = library
        self.set_library = set_library
        self.rerender = rerender
        self.notice = ""  # why the text could not be fetched (kept text, if any, still shows)
        self._applied: tuple[str, int | None] | None = None
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Future[Any]] = set()

    async def unlock_kept(self, library: Library) -> Library:
        """``library`` with the premium text this device keeps, if any."""
        rows = await self.text.kept()
        return library.with_premium(rows) if rows and library.premium_roadmaps() else library

    def follow(self, state: AccountState) -> None:
        """The account changed: act on it in the background (once per plan and learner)."""
        task = asyncio.ensure_future(self.apply(state))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def apply(self, state: AccountState) -> None:
        async with self._lock:
            library = self.library()
            said = verdict(state.server, state.authenticated, state.plan_known, state.premium_roadmaps)
            if library is None or said == "unknown" or not library.premium_roadmaps():
                return
            key = (said, state.user_id)
            if key == self._applied:
                return
            if said == "locked":
                await self.text.forget()
                self._applied = key
                if any(t.premium and t.html for t in library.topics.values()):
                    self.set_library(library.without_premium())
                    self.rerender()
                return
            try:
                rows = await self.text.fetch(library.premium_roadmaps(), state.user_id or 0)
            except PremiumError as error:
                self.notice = str(error)
                return  # tried again at the next change
            self.notice = ""
            self._applied = key
            self.set_library(library.with_premium(rows))
            self.rerender()
