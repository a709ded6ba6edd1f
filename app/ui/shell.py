"""The page shell: mounts the views into ``#app`` and routes browser events to them.

Navigation uses plain ``#/...`` anchors, so only two listeners exist for the app's
lifetime: ``hashchange`` on window and one delegated ``click`` on the root (buttons
carry ``data-action``). Both proxies are released in ``unmount``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from js import document, window  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy  # type: ignore[import-not-found]

from app.core.errors import TropaError
from app.core.i18n import LANGUAGES
from app.core.library import Library
from app.core.routes import parse
from app.ports import Api, Preferences
from app.services.library import load_library
from app.ui import views


class Shell:
    def __init__(self, root: Any, api: Api, preferences: Preferences, lang: str) -> None:
        self.root = root
        self.api = api
        self.preferences = preferences
        self.lang = lang
        self.library: Library | None = None
        self._proxies: list[tuple[Any, str, Any]] = []
        self._task: asyncio.Future[None] | None = None

    def mount(self) -> None:
        self._listen(window, "hashchange", self._on_hashchange)
        self._listen(self.root, "click", self._on_click)

    def unmount(self) -> None:
        for target, event, proxy in self._proxies:
            target.removeEventListener(event, proxy)
            proxy.destroy()
        self._proxies.clear()

    def _listen(self, target: Any, event: str, handler: Any) -> None:
        proxy = create_proxy(handler)
        target.addEventListener(event, proxy)
        self._proxies.append((target, event, proxy))

    async def load(self) -> None:
        """Load the library and show the current route, or the reason it failed."""
        self._set_state("loading")
        try:
            self.library = await load_library(self.api)
        except TropaError as error:
            self.root.innerHTML = views.header(self.lang) + views.load_error(str(error), self.lang)
            self._set_state("error")
            return
        self.render()
        self._set_state("ready")

    def render(self) -> None:
        route = parse(str(window.location.hash))
        self.root.innerHTML = views.page(self.library, route, self.lang)
        document.title = views.title_of(self.library, route, self.lang)
        document.documentElement.lang = self.lang

    def _set_state(self, state: str) -> None:
        self.root.dataset.state = state

    def _on_hashchange(self, _event: Any) -> None:
        self.render()
        window.scrollTo(0, 0)

    def _on_click(self, event: Any) -> None:
        button = event.target.closest("[data-action]")
        if not button:
            return
        action = str(button.dataset.action)
        if action == "language" and str(button.dataset.lang) in LANGUAGES:
            self.lang = str(button.dataset.lang)
            self.preferences.set("lang", self.lang)
            self.render()
        elif action == "retry":
            # load() reports its own failures on the page; keep the task referenced.
            self._task = asyncio.ensure_future(self.load())
