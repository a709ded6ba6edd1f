"""The premium text on the device, under CPython against the real server (SQLite and
PostgreSQL) over real HTTP: a free learner's trail stays locked and nothing is kept; a
Pro learner's text is fetched, kept for the next (offline) visit and shown; the plan's
end forgets it and locks the trail again; an export never carries it.

Pro here is a ``subscriptions`` row as the Stripe webhook stores it; the Stripe side of
that is exercised against localstripe in tests/server/content/test_premium.py and in
the browser (tests/app/ui/test_premium_trail.py).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.services.account import Account, AccountState
from app.services.backup import Backup
from app.services.premium import CACHE_KEY, PremiumError, PremiumText, verdict
from app.ui.premium import PremiumUi
from server.app import create_app
from server.tables import Subscription
from tests.app.services.test_sync import HttpxTransport, logged_in, run
from tests.server.content.test_premium import TEXT, premium_file
from tests.server.support.app import dist_dir, make_settings
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template
from tests.server.support.live import serve

__all__ = ["database_url", "dist_dir", "postgres_schema_url", "sqlite_template"]


def library() -> Library:
    """A public library with the premium trail git-internals in outline only."""
    topic: dict[str, Any] = {"lang": "en", "roadmap": "git-internals", "level": "advanced", "words": 200,
                             "requires": [], "resources": [], "html": "", "premium": True}
    return Library.from_dict({
        "format": 2,
        "roadmaps": [{"id": "git-internals", "lang": "en", "title": "Git internals", "summary": "s",
                      "intro_html": "", "premium": True,
                      "sections": [{"title": "Inside", "topics": ["git-internals.objects",
                                                                   "git-internals.refs"]}]}],
        "topics": [{**topic, "id": "git-internals.objects", "slug": "objects", "title": "Objects",
                    "source": "content/en/git-internals/objects.md"},
                   {**topic, "id": "git-internals.refs", "slug": "refs", "title": "Refs",
                    "source": "content/en/git-internals/refs.md"}],
    })


@pytest.fixture
def server(database_url: str, dist_dir: Path, tmp_path: Path) -> Iterator[tuple[str, FastAPI]]:
    app = create_app(make_settings(database_url, dist_dir,
                                   premium_content=premium_file(tmp_path / "premium.json")))
    with serve(app) as url:
        yield url, app
    app.state.engine.dispose()


def make_pro(app: FastAPI, user_id: int, status: str = "active") -> None:
    with app.state.sessionmaker() as db:
        found = db.get(Subscription, "sub_local")
        if found is None:
            db.add(Subscription(id="sub_local", user_id=user_id, status=status, plan="monthly"))
        else:
            found.status = status
        db.commit()


class Shown:
    """What the shell would show: the library the premium part set, and redraws."""

    def __init__(self, start: Library) -> None:
        self.library = start
        self.redraws = 0

    def set(self, found: Library) -> None:
        self.library = found

    def redraw(self) -> None:
        self.redraws += 1


def test_the_text_follows_the_plan_and_is_kept_for_an_offline_visit(server: tuple[str, FastAPI]) -> None:
    url, app = server

    async def scenario() -> None:
        client = await logged_in(url, "ada")
        store = MemoryStore()
        account = Account(HttpxTransport(client))
        shown = Shown(library())
        part = PremiumUi(PremiumText(HttpxTransport(client), store), library=lambda: shown.library,
                         set_library=shown.set, rerender=shown.redraw)
        state = await account.refresh()
        assert (state.plan, state.plan_known) == ("free", True)
        await part.apply(state)
        assert shown.library.topic("git-internals.objects", "en").locked
        assert await store.get("meta", CACHE_KEY) is None
        with pytest.raises(PremiumError, match="Premium trails are part of Pro"):
            await PremiumText(HttpxTransport(client), store).fetch(["git-internals"], 1)

        assert state.user_id is not None
        make_pro(app, state.user_id)
        await part.apply(await account.refresh())
        objects = shown.library.topic("git-internals.objects", "en")
        assert (objects.locked, objects.html) == (False, TEXT)
        assert objects.resources[0].title == "Pro Git"
        assert shown.redraws == 1

        # The next visit, offline: the text this device keeps is shown at once.
        again = PremiumUi(PremiumText(HttpxTransport(client), store), library=lambda: None,
                          set_library=shown.set, rerender=shown.redraw)
        reopened = await again.unlock_kept(library())
        assert reopened.topic("git-internals.objects", "en").html == TEXT
        await again.apply(AccountState(server="none"))  # no answer: nothing forgotten
        assert await store.get("meta", CACHE_KEY) is not None
        exported = json.loads((await Backup(store).export())[1])
        assert CACHE_KEY not in exported["collections"]["meta"]
        assert TEXT not in json.dumps(exported)

        make_pro(app, state.user_id, "canceled")
        await part.apply(await account.refresh())
        assert shown.library.topic("git-internals.objects", "en").locked
        assert await store.get("meta", CACHE_KEY) is None
        assert shown.redraws == 2

    run(scenario())


@pytest.mark.parametrize(("server_state", "authenticated", "known", "premium", "said"), [
    ("up", True, True, True, "pro"),
    ("up", True, True, False, "locked"),
    ("up", False, False, False, "locked"),
    ("up", True, False, False, "unknown"),  # the plan could not be read: keep what is kept
    ("none", False, False, False, "unknown"),
    ("unknown", False, False, False, "unknown"),
])
def test_what_the_account_says_decides(server_state: str, authenticated: bool, known: bool,
                                       premium: bool, said: str) -> None:
    assert verdict(server_state, authenticated, known, premium) == said


def test_a_kept_value_of_the_wrong_shape_unlocks_nothing() -> None:
    async def scenario() -> list[Any]:
        store = MemoryStore()
        await store.put("meta", CACHE_KEY, {"topics": [{"id": "x"}]})
        return await PremiumText(HttpxTransport(None), store).kept()  # type: ignore[arg-type]

    assert asyncio.run(scenario()) == []
