"""Composition root: the only module with start-up side effects.

The page's ``<script type="py">`` calls ``await start()``.
"""

from __future__ import annotations

from js import document, navigator  # type: ignore[import-not-found]

from app.bridge.http import BrowserApi
from app.bridge.preferences import LocalPreferences
from app.bridge.worker import WorkerClient
from app.core.i18n import pick_language
from app.ui.shell import Shell

_shell: Shell | None = None


async def start() -> Shell:
    """Mount the app into ``#app`` and load the course library."""
    global _shell
    preferences = LocalPreferences()
    browser_languages = [str(tag) for tag in (navigator.languages or [])]
    lang = pick_language(preferences.get("lang"), browser_languages)
    _shell = Shell(document.getElementById("app"), BrowserApi(), preferences, lang, WorkerClient)
    _shell.mount()
    await _shell.load()
    return _shell
