"""Composition root: the only module with start-up side effects.

It builds every part once and hands each what it needs: the settings, the browser
objects of ``app.bridge`` (page, server API, preferences, ML worker client), the
services, and the shell that shows them. The page's ``<script type="py">`` calls
``await start()``.
"""

from __future__ import annotations

from collections.abc import Callable

from app.bridge.dom import BrowserPage, utc_offset_minutes
from app.bridge.http import BrowserApi
from app.bridge.preferences import LocalPreferences
from app.bridge.pwa import BrowserPwa
from app.bridge.store import IndexedDBStore
from app.bridge.worker import WorkerClient
from app.core.i18n import pick_language
from app.core.learner.store import MemoryStore, StoreError
from app.core.library.catalog import Library
from app.core.settings import from_query
from app.core.tutor.conversation import History
from app.ports import Store
from app.services.conversations import Conversations
from app.services.library import load_library
from app.services.progress import ProgressBook
from app.services.renames import move_renamed
from app.services.tutor import Tutor
from app.ui.pwa_view import PwaBar
from app.ui.shell import Shell

_shell: Shell | None = None


async def open_store() -> tuple[Store, str]:
    """The device's IndexedDB store, or one in memory (with the reason) when the browser
    refuses storage: the app still works, and says what will not be kept."""
    try:
        return await IndexedDBStore.open(), ""
    except StoreError as error:
        return MemoryStore(), f"{error}. Nothing you do will be kept after this visit."


async def start() -> Shell:
    """Mount the app into ``#app`` and load the course library."""
    global _shell
    page = BrowserPage("app")
    preferences = LocalPreferences()
    api = BrowserApi()
    settings = from_query(page.location_search(), preferences.get("webgpu"))
    # The worker starts on the tutor's first request, not here.
    inference = WorkerClient()
    store, notice = await open_store()
    history = History()
    conversations = Conversations(store, history)
    conversations.notice = notice
    await conversations.load()
    progress = ProgressBook(store, utc_offset_minutes=utc_offset_minutes)
    await progress.load()

    async def library() -> Library:
        loaded = await load_library(api)
        # Topics renamed, moved or merged by the authors take the learner's data with them.
        moved, why = await move_renamed(store, loaded)
        if moved:
            await progress.load()
            history.clear()
            await conversations.load()
        if why:
            progress.notice = why
        return loaded

    def tutor(library: Library, on_change: Callable[[], None]) -> Tutor:
        return Tutor(inference, api, library, settings, on_change=on_change,
                     history=history, on_finished=conversations.save)

    lang = pick_language(preferences.get("lang"), page.languages())
    _shell = Shell(page, preferences, lang, library, tutor, history, lambda: conversations.notice,
                   progress)
    _shell.mount()
    shell = _shell
    # Install and Update, outside the shell: shown even while the library loads or failed.
    PwaBar(BrowserPwa(), lambda: shell.lang).mount()
    await _shell.load()
    return _shell
