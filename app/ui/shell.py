"""The page shell: mounts the views into ``#app`` and routes browser events to them.

Navigation uses plain ``#/...`` anchors, so only a few listeners exist for the app's
lifetime, all on window or the root element (delegation through ``data-action``):
``hashchange``, ``click``, ``submit`` and ``keydown``. Their proxies are released in
``unmount``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from js import document, window  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy  # type: ignore[import-not-found]

from app.core.errors import TropaError
from app.core.i18n import LANGUAGES
from app.core.library import Library
from app.core.routes import Route, parse
from app.core.settings import from_query
from app.ports import Api, Inference, Preferences
from app.services.library import load_library
from app.services.tutor import Scope, Tutor
from app.ui import tutor_view, views


class Shell:
    def __init__(self, root: Any, api: Api, preferences: Preferences, lang: str,
                 inference_factory: Any) -> None:
        self.root = root
        self.api = api
        self.preferences = preferences
        self.lang = lang
        self.inference_factory = inference_factory
        self.library: Library | None = None
        self.tutor: Tutor | None = None
        self._proxies: list[tuple[Any, str, Any]] = []
        self._tasks: set[asyncio.Future[Any]] = set()

    # -- lifetime -------------------------------------------------------------------------
    def mount(self) -> None:
        self._listen(window, "hashchange", self._on_hashchange)
        self._listen(self.root, "click", self._on_click)
        self._listen(self.root, "submit", self._on_submit)
        self._listen(self.root, "keydown", self._on_keydown)

    def unmount(self) -> None:
        for target, event, proxy in self._proxies:
            target.removeEventListener(event, proxy)
            proxy.destroy()
        self._proxies.clear()

    def _listen(self, target: Any, event: str, handler: Any) -> None:
        proxy = create_proxy(handler)
        target.addEventListener(event, proxy)
        self._proxies.append((target, event, proxy))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

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

    # -- rendering ------------------------------------------------------------------------
    def _route(self) -> Route:
        return parse(str(window.location.hash))

    def scope(self, route: Route) -> Scope | None:
        """Where the tutor is asked from on ``route``; None where it has no place."""
        if self.library is None or not views.exists(self.library, route):
            return None
        if route.view == "topic":
            return Scope(roadmap=self.library.topic(route.target, self.lang).roadmap,
                         topic=route.target)
        if route.view == "roadmap":
            return Scope(roadmap=route.target)
        return Scope()

    def _panel(self, route: Route) -> Any:
        scope = self.scope(route)
        if scope is None or self.library is None or not self.library.retrieval:
            return None
        exchanges = self.tutor.conversation(scope) if self.tutor else []
        title = self.library.topic(route.target, self.lang).title if route.view == "topic" else None
        return tutor_view.panel(self.tutor, exchanges, self.lang, title)

    def render(self) -> None:
        route = self._route()
        self.root.innerHTML = views.page(self.library, route, self.lang, self._panel(route))
        document.title = views.title_of(self.library, route, self.lang)
        document.documentElement.lang = self.lang

    def _tutor_changed(self) -> None:
        """Refresh only the tutor's status and log, leaving the question box alone."""
        scope = self.scope(self._route())
        if self.tutor is None or scope is None:
            return
        status = document.getElementById("tutor-status")
        log = document.getElementById("tutor-log")
        if not status or not log:
            return
        status.innerHTML = tutor_view.status(self.tutor, self.lang)
        log.innerHTML = tutor_view.log(self.tutor.conversation(scope), self.lang)
        for selector, disabled in (("#tutor-form .ask", self.tutor.busy),
                                   ("#tutor-form .stop", not self.tutor.busy)):
            button = self.root.querySelector(selector)
            if button:
                button.disabled = disabled

    def _set_state(self, state: str) -> None:
        self.root.dataset.state = state

    # -- the tutor ------------------------------------------------------------------------
    def _ensure_tutor(self) -> Tutor:
        if self.tutor is None:
            if self.library is None:
                raise TropaError("the library is not loaded")
            settings = from_query(str(window.location.search), self.preferences.get("webgpu"))
            inference: Inference = self.inference_factory()
            self.tutor = Tutor(inference, self.api, self.library, dict(self.library.retrieval),
                               settings, on_change=self._tutor_changed)
        return self.tutor

    async def _ask(self, question: str) -> None:
        scope = self.scope(self._route())
        if scope is None:
            return
        tutor = self._ensure_tutor()
        await tutor.ask(question, scope, self.lang)

    # -- events ---------------------------------------------------------------------------
    def _on_hashchange(self, _event: Any) -> None:
        self.render()
        window.scrollTo(0, 0)

    def _on_submit(self, event: Any) -> None:
        form = event.target
        if str(form.dataset.action) != "ask":
            return
        event.preventDefault()
        field = form.elements.namedItem("question")
        question = str(field.value).strip()
        if not question or (self.tutor and self.tutor.busy):
            return
        field.value = ""
        self._spawn(self._ask(question))

    def _on_keydown(self, event: Any) -> None:
        # Enter sends, Shift+Enter starts a new line, as in chat apps.
        if str(event.key) == "Enter" and not event.shiftKey and str(event.target.name) == "question":
            event.preventDefault()
            event.target.form.requestSubmit()

    def _on_click(self, event: Any) -> None:
        button = event.target.closest("[data-action]")
        if not button or str(button.tagName) == "FORM":
            return
        action = str(button.dataset.action)
        if action == "language" and str(button.dataset.lang) in LANGUAGES:
            self.lang = str(button.dataset.lang)
            self.preferences.set("lang", self.lang)
            self.render()
        elif action == "retry":
            self._spawn(self.load())  # load() reports its own failures on the page
        elif action == "stop" and self.tutor is not None:
            self._spawn(self.tutor.stop())
