"""The page shell: mounts the views into the page's root and routes browser events to them.

Navigation uses plain ``#/...`` anchors, so only a few listeners exist for the app's
lifetime, all on window or the root element (delegation through ``data-action``):
``hashchange``, ``click``, ``submit`` and ``keydown``. The ``Page`` (``app.bridge.dom``
on the browser) holds them and releases them in ``unmount``; this module touches the
DOM only through it and through the elements and events it hands over.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from app.core.errors import TropaError
from app.core.i18n import LANGUAGES
from app.core.learner.progress import STATUSES
from app.core.library.catalog import Library
from app.core.library.routes import Route, parse
from app.core.tutor.conversation import History, Scope
from app.ports import Page, Preferences
from app.services.progress import ProgressBook
from app.services.study import StudyRecord
from app.services.tutor import Tutor
from app.ui import comfort_view, graph_view, tutor_view, views
from app.ui.account import AccountUi
from app.ui.html import Markup
from app.ui.models import ModelsUi
from app.ui.parts import Part
from app.ui.progress_view import Learning

LoadLibrary = Callable[[], Awaitable[Library]]
# Builds the tutor for a loaded library; the callback is told of every change.
MakeTutor = Callable[[Library, Callable[[], None]], Tutor]
# The preference that keeps the tutor's models unloaded until the first question ("off").
WARM_KEY = "tutor_warm"


class Shell:
    def __init__(self, page: Page, preferences: Preferences, lang: str,
                 load_library: LoadLibrary, make_tutor: MakeTutor,
                 history: History | None = None, storage_notice: Callable[[], str] = lambda: "",
                 progress: ProgressBook | None = None, account: AccountUi | None = None,
                 parts: Sequence[Part] = (), study: StudyRecord | None = None) -> None:
        """``history`` holds the tutor's conversations (restored from the device before
        the tutor is first used); ``storage_notice`` says what the device's storage lacks;
        ``progress`` is the learner's progress (loaded), shown on every page; ``account``
        the account and sync (header badge, account and plans pages); ``parts`` the
        learner's other features (app.ui.parts), asked in order; ``study`` the quiz
        record (loaded), whose mastery and due reviews every page shows."""
        self.page = page
        self.root = page.root
        self.preferences = preferences
        self.lang = lang
        self.load_library = load_library
        self.make_tutor = make_tutor
        self.library: Library | None = None
        self.tutor: Tutor | None = None
        self.history = history if history is not None else History()
        self.storage_notice = storage_notice
        self.progress = progress
        self.account = account
        self.parts: tuple[Part, ...] = (*parts, *([account] if account else []))
        # Asks before the tutor's first download, when the model manager is one of the parts.
        self.consent = next((part for part in parts if isinstance(part, ModelsUi)), None)
        self.study = study
        self._tasks: set[asyncio.Future[Any]] = set()
        # The first page drawn takes over the prerendered one (builder/prerender.py).
        self._drawn = False
        # The models the warm-up found on this device: a question to a tutor of these needs no
        # consent (and does not wait for the worker, busy loading, to list its store).
        self._stored: frozenset[str] = frozenset()

    # -- lifetime -------------------------------------------------------------------------
    def mount(self) -> None:
        self.page.listen("window", "hashchange", self._on_hashchange)
        self.page.listen("root", "click", self._on_click)
        self.page.listen("root", "submit", self._on_submit)
        self.page.listen("root", "keydown", self._on_keydown)

    def unmount(self) -> None:
        self.page.release()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def load(self) -> None:
        """Load the library and show the current route, or the reason it failed."""
        self._set_state("loading")
        try:
            self.library = await self.load_library()
        except TropaError as error:
            self.root.innerHTML = views.header(self.lang) + views.load_error(str(error), self.lang)
            self._set_state("error")
            return
        self.render()
        self._set_state("ready")
        self._spawn(self.warm_up())

    async def warm_up(self) -> None:
        """Start the tutor in the background once the page is shown, when its models are all
        on this device (the learner chose to download them; nothing is fetched here): the
        worker loads them off the UI thread and keeps them, and the panel shows each one's
        state, so the first question does not wait for them. Without the model manager
        (which knows what is stored), with a model missing, or with the preference
        ``tutor_warm`` "off" (the tutor as before: loaded at the first question), it waits."""
        if self.consent is None or self.library is None or not self.library.retrieval:
            return
        if self.preferences.get(WARM_KEY) == "off":
            return
        tutor = self._ensure_tutor()
        self._tutor_changed()  # the panel lists the tutor's models as any later page does
        try:
            missing = await self.consent.shelf.missing(tutor.model_ids())
        except TropaError:
            return  # the store cannot be read: the first question's consent says why
        if missing:
            return
        self._stored = frozenset(tutor.model_ids())
        with contextlib.suppress(TropaError):  # the first question starts it again, and says why
            await tutor.start()

    # -- rendering ------------------------------------------------------------------------
    def _route(self) -> Route:
        return parse(self.page.location_hash())

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
        exchanges = self._history().conversation(scope)
        title = self.library.topic(route.target, self.lang).title if route.view == "topic" else None
        consent = self.consent.consent_block(self.lang) if self.consent else None
        size = self.consent.intro_size(self.lang) if self.consent else ""
        return tutor_view.panel(self.tutor, exchanges, self.lang, title, self.storage_notice(), consent,
                                size)

    def _history(self) -> History:
        # The tutor's, once it exists (the composition root gives both the same one).
        return self.tutor.history if self.tutor is not None else self.history

    def _learning(self) -> Learning | None:
        if self.progress is None:
            return None
        study = self.study
        return Learning(self.progress.progress, self.progress.streak(), self.progress.can_undo(),
                        self.progress.notice, study.masteries() if study else {},
                        len(study.due()) if study else 0)

    def _content(self, route: Route) -> Markup | None:
        """The body of a page a part owns (search, notes, review, account...)."""
        if self.library is None or route.view not in views.SHELL_PAGES:
            return None
        for part in self.parts:
            body = part.content(route, self.lang)
            if body is not None:
                return body
        return None

    def _topic_blocks(self, route: Route) -> Markup | None:
        """What the parts show under a topic's text (the learner's note, the quiz)."""
        if self.library is None or route.view != "topic" or not views.exists(self.library, route):
            return None
        blocks = [part.topic_block(route.target, self.lang) for part in self.parts]
        return Markup("".join(str(block) for block in blocks if block is not None)) or None

    def _part_for(self, action: str) -> Part | None:
        return next((part for part in self.parts if part.handles(action)), None)

    def render(self, in_place: bool = False) -> None:
        """Draw the current route. ``in_place``: for a change that did not come from the
        learner (sizes read, a sync pulled), keep the nodes the page already has, so the
        text being read is not drawn again and a half-typed question or note stays."""
        route = self._route()
        account = self.account
        html = views.page(
            self.library, route, self.lang, self._panel(route), self._learning(),
            trail_view=self._trail_view(), note=self._topic_blocks(route),
            content=self._content(route),
            account=account.badge(self.lang) if account else None, theme=self._theme())
        if self._drawn and not in_place:
            self.root.innerHTML = html
        else:
            self.page.take_over(html)
            self._drawn = True
        self.page.set_document(views.title_of(self.library, route, self.lang), self.lang)

    def _tutor_changed(self) -> None:
        """Refresh only the tutor's status and log, leaving the question box alone."""
        scope = self.scope(self._route())
        if self.tutor is None or scope is None:
            return
        status = self.page.element("tutor-status")
        log = self.page.element("tutor-log")
        if not status or not log:
            return
        status.innerHTML = tutor_view.status(self.tutor, self.lang)
        log.innerHTML = tutor_view.log(self._history().conversation(scope), self.lang)
        notice = self.page.element("tutor-notice")
        if notice:
            notice.textContent = self.storage_notice()
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
            self.tutor = self.make_tutor(self.library, self._tutor_changed)
        return self.tutor

    async def _ask(self, question: str) -> None:
        scope = self.scope(self._route())
        if scope is None:
            return
        tutor = self._ensure_tutor()
        await tutor.follow(self.lang)  # the language may have changed which tutor fits
        stored = tutor.models_ready() or set(tutor.model_ids()) <= self._stored
        if not stored and self.consent is not None and not await self.consent.granted(
                tutor.model_ids(), question):
            return
        await tutor.ask(question, scope, self.lang)

    # -- events ---------------------------------------------------------------------------
    def _on_hashchange(self, _event: Any) -> None:
        self.render()
        self.page.scroll_to_top()
        self._focus_heading()

    def _focus_heading(self) -> None:
        """Move focus to the new view's heading, so a screen reader announces the page
        and the keyboard starts there (not at the top of ``<body>``)."""
        heading = self.root.querySelector("main h1")
        if heading:
            heading.setAttribute("tabindex", "-1")
            heading.focus()

    def _on_submit(self, event: Any) -> None:
        form = event.target
        part = self._part_for(str(form.dataset.action))
        if part is not None:
            event.preventDefault()
            self._spawn(part.submit(str(form.dataset.action), form))
            return
        if str(form.dataset.action) != "ask":
            return
        event.preventDefault()
        field = form.elements.namedItem("question")
        question = str(field.value).strip()
        if not question or (self.tutor and self.tutor.busy):
            return
        field.value = ""
        self._spawn(self._ask(question))

    def _trail_view(self) -> str:
        """How trails are shown: the map unless the learner chose the list (kept)."""
        return "list" if self.preferences.get("trail_view") == "list" else "graph"

    def _theme(self) -> str:
        return comfort_view.pick_theme(self.preferences.get(comfort_view.THEME_KEY))

    def _ask_tutor(self) -> None:
        """Take the learner to the tutor's question box (the sticky entry)."""
        field = self.root.querySelector("#tutor-form textarea")
        if field:
            self.root.querySelector("#tutor").scrollIntoView()
            field.focus()

    def _on_keydown(self, event: Any) -> None:
        if graph_view.arrow_key(event):
            return
        # Enter sends, Shift+Enter starts a new line, as in chat apps.
        if str(event.key) == "Enter" and not event.shiftKey and str(event.target.name) == "question":
            event.preventDefault()
            event.target.form.requestSubmit()

    def _on_click(self, event: Any) -> None:
        button = event.target.closest("[data-action]")
        if not button or str(button.tagName) == "FORM":
            return
        action = str(button.dataset.action)
        if action == "skip":
            event.preventDefault()  # "#main" is not a route
            self._focus_heading()
        elif action == "ask-tutor":
            event.preventDefault()  # "#tutor" is not a route
            self._ask_tutor()
        elif action == "theme" and str(button.dataset.theme) in comfort_view.THEMES:
            self.preferences.set(comfort_view.THEME_KEY, str(button.dataset.theme))
            self.page.set_theme(self._theme())
            self.render()
            chosen = self.root.querySelector(f"button.theme[data-theme='{button.dataset.theme}']")
            if chosen:
                chosen.focus()
        elif action == "language" and str(button.dataset.lang) in LANGUAGES:
            self.lang = str(button.dataset.lang)
            self.preferences.set("lang", self.lang)
            self.render()
        elif action == "trail-view" and str(button.dataset.view) in ("graph", "list"):
            self.preferences.set("trail_view", str(button.dataset.view))
            self.render()
            chosen = self.root.querySelector(f".view-choice[data-view='{button.dataset.view}']")
            if chosen:
                chosen.focus()
        elif action == "retry":
            self._spawn(self.load())  # load() reports its own failures on the page
        elif action == "stop" and self.tutor is not None:
            self._spawn(self.tutor.stop())
        elif action in ("mark", "reset", "undo") and self.progress is not None:
            self._spawn(self._progress_action(action, button))
        elif (part := self._part_for(action)) is not None:
            self._spawn(part.act(action, button))

    async def _progress_action(self, action: str, button: Any) -> None:
        """Mark a topic (pressing the pressed mark clears it), reset a trail, or undo."""
        book = self.progress
        if book is None or self.library is None:
            return
        if action == "mark":
            topic, status = str(button.dataset.topic), str(button.dataset.status)
            if status not in STATUSES or not views.exists(self.library, Route("topic", topic)):
                return
            pressed = str(button.getAttribute("aria-pressed")) == "true"
            await book.mark(topic, None if pressed else status)
        elif action == "reset":
            roadmap = str(button.dataset.roadmap)
            if not views.exists(self.library, Route("roadmap", roadmap)):
                return
            await book.reset(roadmap, self.library.roadmap(roadmap, self.lang).topic_ids)
        else:
            await book.undo()
        self.render()
