"""The AI models as a shell part: the ``#/models`` page (download, delete, verify each
model, storage used and free) and the tutor's consent before its first download.

The consent: before the tutor first loads its models, ``granted`` lists what the tutor
needs that is not wholly on this device. Nothing missing: it answers True at once, so a
learner whose models are stored is never asked. Otherwise the tutor's panel says what
will be downloaded and how big, and the question waits for Download (True) or Not now
(False). The block is drawn in place (``#tutor-consent``), so the question box is left alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from typing import Any

from app.core.errors import TropaError
from app.core.library.routes import Route
from app.ports import Page
from app.services.stored_models import ModelShelf, Task
from app.ui import models_view
from app.ui.background import Background
from app.ui.html import Markup
from app.ui.models_view import Consent

TASKS: dict[str, Task] = {"model-download": "download", "model-verify": "verify",
                          "model-delete": "delete"}
ANSWERS = {"consent-download": True, "consent-later": False}


class ModelsUi:
    def __init__(self, shelf: ModelShelf, page: Page, *, in_use: Callable[[], Collection[str]],
                 lang: Callable[[], str], route: Callable[[], Route],
                 rerender: Callable[[], None]) -> None:
        """``in_use()`` the ids of the models the tutor would load; ``shelf.on_change`` is
        taken over to redraw the page when it shows the models."""
        self.shelf = shelf
        self.page = page
        self.in_use = in_use
        self.lang = lang
        self.route = route
        self.rerender = rerender
        self.background = Background()
        self.asking: Consent | None = None
        self.declined = False
        self._answer: asyncio.Future[bool] | None = None
        shelf.on_change = self.changed

    # -- the page ---------------------------------------------------------------------------

    def handles(self, action: str) -> bool:
        return action in TASKS or action in ANSWERS

    def content(self, route: Route, lang: str) -> Markup | None:
        """The models page; the list is read again each time it is drawn."""
        if route.view != "models":
            return None
        if not self.shelf.running:
            self.background.spawn(self.shelf.refresh())
        return models_view.page(self.shelf, self.in_use(), lang)

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    def changed(self) -> None:
        if self.route().view == "models":
            self.rerender()

    async def act(self, action: str, element: Any) -> None:
        if action in ANSWERS:
            self.answer(ANSWERS[action])
            return
        model = str(element.dataset.model)
        if action in TASKS and self.shelf.model(model) is not None:
            await self.shelf.run(TASKS[action], model)  # a failure is kept in shelf.outcomes

    async def submit(self, action: str, form: Any) -> None:
        return None

    # -- the tutor's consent ----------------------------------------------------------------

    def consent_block(self, lang: str) -> Markup:
        return models_view.consent(self.asking, self.declined, lang)

    async def granted(self, model_ids: Collection[str], question: str) -> bool:
        """True when the tutor may load ``model_ids``: all are stored, or the learner
        chose Download; False when they chose Not now."""
        if self._answer is not None and not self._answer.done():
            self._give_back(question)  # one question waits already: this one goes back in the box
            return False
        try:
            missing = await self.shelf.missing(model_ids)
        except TropaError:
            return True  # the store cannot be read: the tutor's load says why
        if not missing:
            return True
        storage = self.shelf.storage
        self.asking = Consent(tuple(missing), question, storage.free if storage else None)
        self.declined = False
        self._answer = asyncio.get_event_loop().create_future()
        self._draw()
        try:
            yes = await self._answer
        finally:
            self.asking, self._answer = None, None
        self.declined = not yes
        self._draw()
        if not yes:
            self._give_back(question)
        return yes

    def answer(self, yes: bool) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_result(yes)

    def _draw(self) -> None:
        block = self.page.element("tutor-consent")
        if block:
            block.outerHTML = str(self.consent_block(self.lang()))

    def _give_back(self, question: str) -> None:
        """Put the question back in the box, unless the learner has typed another."""
        field = self.page.root.querySelector("#tutor-form textarea")
        if field and not str(field.value):
            field.value = question
