"""The premium trails' text on this device, as the account allows it.

The public library (``library.json``) holds a premium trail in outline only. For a Pro
learner the text comes from the server (``GET /api/content/premium/<roadmap>``, behind
its one entitlement check) and is kept on the device (``meta/premium``, never in an
export file), so it reads offline too. What the server says decides:

- signed in and Pro: fetch every premium trail, keep it, show it;
- signed in and free, or signed out: forget what was kept, lock the trails again;
- no answer (offline, a static copy, the plan not read): keep what is kept.

>>> shelf = PremiumText(transport, store)                       # doctest: +SKIP
>>> library = library.with_premium(await shelf.kept())           # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from app.core.errors import TropaError
from app.core.learner.store import StoreError
from app.ports import Request, Store, Transport, TransportError
from contracts import library as format_

CACHE_KEY = "premium"  # meta/premium: {"user_id": int, "topics": [premium topic rows]}
Verdict = Literal["pro", "locked", "unknown"]


class PremiumError(TropaError):
    """The premium text could not be had now; the message says why."""


class PremiumText:
    def __init__(self, transport: Transport, store: Store) -> None:
        self.transport = transport
        self.store = store

    async def kept(self) -> list[Mapping[str, Any]]:
        """The rows this device keeps (none when nothing, or nothing usable, is kept)."""
        try:
            saved = await self.store.get("meta", CACHE_KEY)
            return format_.check_premium_topics(saved.get("topics") if isinstance(saved, dict) else [])
        except (StoreError, format_.LibraryFormatError):
            return []

    async def fetch(self, roadmaps: Sequence[str], user_id: int) -> list[Mapping[str, Any]]:
        """Every premium trail's rows from the server, kept on the device for ``user_id``.
        Raises PremiumError (the server's reason) when one cannot be had; what was
        kept stays then."""
        rows: list[Mapping[str, Any]] = []
        for roadmap in roadmaps:
            try:
                reply = await self.transport.send(Request("GET", f"/api/content/premium/{roadmap}"))
            except TransportError as error:
                raise PremiumError(f"The server did not answer: {error}") from error
            body = reply.body if isinstance(reply.body, dict) else {}
            if reply.status != 200:
                detail = body.get("detail")
                raise PremiumError(detail if isinstance(detail, str) else f"HTTP {reply.status}")
            try:
                rows.extend(format_.check_premium_topics(body.get("topics")))
            except format_.LibraryFormatError as error:
                raise PremiumError(f"The server's premium text is malformed: {error}") from error
        with contextlib.suppress(StoreError):  # not kept: it still shows for this visit
            await self.store.put("meta", CACHE_KEY, {"user_id": user_id, "topics": list(rows)})
        return rows

    async def forget(self) -> None:
        """Delete what this device keeps (the plan ended, or the learner signed out)."""
        with contextlib.suppress(StoreError):
            await self.store.delete("meta", CACHE_KEY)


def verdict(server: str, authenticated: bool, plan_known: bool, premium: bool) -> Verdict:
    """What the account's state says of the premium text: ``pro`` (show it), ``locked``
    (forget it) or ``unknown`` (no answer to go by: keep what is kept)."""
    if server != "up":
        return "unknown"
    if not authenticated:
        return "locked"
    if not plan_known:
        return "unknown"
    return "pro" if premium else "locked"
