"""The account service over a scripted transport: a refresh that began before a
profile save (its profile answer older than the save) does not undo the save."""

from __future__ import annotations

import asyncio
from typing import Any

from app.ports import Reply, Request
from app.services.account import Account


class Server:
    """Answers like the real one for one signed-in learner; the profile GET waits for
    ``release`` so a test can save the profile while a refresh is under way."""

    def __init__(self) -> None:
        self.profile: dict[str, Any] = {"display_name": "Mary Jackson", "language": "en", "preferences": {}}
        self.release = asyncio.Event()

    async def send(self, request: Request) -> Reply:
        if request.path == "/api/session":
            return Reply(200, {"authenticated": True, "user_id": 11, "csrf_token": "t", "providers": []})
        if request.path == "/api/me/profile" and request.method == "GET":
            answer = dict(self.profile)  # read now, answered later
            await self.release.wait()
            return Reply(200, answer)
        if request.path == "/api/me/profile":
            self.profile.update(request.json)
            return Reply(200, dict(self.profile))
        if request.path == "/api/me/entitlements":
            return Reply(200, {"plan": "free"})
        return Reply(200, {"devices": [], "max_devices": 2})


def test_a_refresh_under_way_keeps_a_profile_saved_meanwhile() -> None:
    async def scenario() -> str:
        server = Server()
        server.release.set()
        account = Account(server)
        await account.refresh()
        server.release.clear()
        refreshing = asyncio.ensure_future(account.refresh())
        await asyncio.sleep(0)  # the refresh has read the old profile and waits
        saving = asyncio.ensure_future(account.save_profile("Mary J."))
        await asyncio.sleep(0)
        server.release.set()
        await asyncio.gather(refreshing, saving)
        return account.state.display_name

    assert asyncio.run(scenario()) == "Mary J."
