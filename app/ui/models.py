"""The AI models as a shell part: the ``#/models`` page (download, delete, verify each
model, storage used and free) and the tutor's consent before its first download.

The consent: before the tutor first loads its models, ``granted`` lists what the tutor
needs that is not wholly on this device. Nothing missing: it answers True at once, so a
learner whose models are stored is never asked. Otherwise the tutor's panel says what
will be downloaded and how big, and the question waits for Download (True) or Not now
(False). The block is drawn in place (``#tutor-consent``), so the question box is left alone.
A Download asks the browser to keep the site's storage (``persist``), and the page says
its answer.

The tutor's three choices (full, small, passages only) sit at the top of the page
(``app.ui.choice_view``): choosing one stores it, downloads what it lacks, deletes the other
tutor's model when the learner ticked that, and hands the choice to the tutor (``on_switch``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from app.core.errors import TropaError
from app.core.generator_choice import TIER_GENERATORS, GeneratorChoice, Tier, parse_tier, tier_models
from app.core.i18n import t
from app.core.library.routes import Route
from app.ports import Page
from app.services.stored_models import ModelShelf, Task
from app.services.tutor_choice import TutorPicker
from app.ui import choice_view, models_view
from app.ui.background import Background
from app.ui.html import Markup
from app.ui.models_view import Consent

TASKS: dict[str, Task] = {"model-download": "download", "model-verify": "verify",
                          "model-delete": "delete"}
ANSWERS = {"consent-download": True, "consent-later": False}


class ModelsUi:
    def __init__(self, shelf: ModelShelf, page: Page, *, in_use: Callable[[], Collection[str]],
                 lang: Callable[[], str], route: Callable[[], Route],
                 rerender: Callable[[], None], picker: TutorPicker | None = None,
                 embedder: Callable[[], str] = lambda: "",
                 on_switch: Callable[[GeneratorChoice], Awaitable[None]] | None = None,
                 persist: Callable[[], Awaitable[bool | None]] | None = None) -> None:
        """``in_use()`` the ids of the models the tutor would load; ``shelf.on_change`` is
        taken over to redraw the page when it shows the models. ``picker`` makes the tutor's
        choice (None: no choices shown), ``embedder()`` the library's embedder id,
        ``on_switch(choice)`` moves a running tutor to a new choice, ``persist()`` asks the
        browser to keep the site's storage (its answer, None where it cannot be asked)."""
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
        self.picker = picker
        self.embedder = embedder
        self.on_switch = on_switch
        self.persist = persist
        self.persisted: bool | None = None  # the browser's answer to persist(), once asked
        self.switching: Tier | None = None
        self.switch_outcome = ("", False)  # (message, failed)
        shelf.on_change = self.changed

    # -- the page ---------------------------------------------------------------------------

    def handles(self, action: str) -> bool:
        return action in TASKS or action in ANSWERS or action == choice_view.TIER_ACTION

    def content(self, route: Route, lang: str) -> Markup | None:
        """The models page; the list is read again each time it is drawn."""
        if route.view != "models":
            return None
        if not self.shelf.running:
            self.background.spawn(self.shelf.refresh())
        return models_view.page(self.shelf, self.in_use(), lang, tiers=self.tiers_block(lang),
                                persisted=self.persisted)

    def tiers_block(self, lang: str) -> Markup | None:
        if self.picker is None or not self.embedder():
            return None
        models = self.shelf.models
        sizes = {m.id: m.size for m in models} if models else self.picker.sizes
        missing = {m.id: m.missing for m in models} if models else None
        message, failed = self.switch_outcome
        return choice_view.tiers(self.embedder(), sizes, missing, self.picker.choice(lang),
                                 self.picker.suggested(lang), self.switching, message, failed, lang)

    def intro_size(self, lang: str) -> str:
        """The tutor intro's sentence on what the current tutor downloads, from the manifest."""
        if self.picker is None or not self.embedder():
            return ""
        choice = self.picker.choice(lang)
        return choice_view.intro_size(choice, self.picker.size_of(choice.tier, self.embedder()), lang)

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    def changed(self) -> None:
        if self.route().view == "models":
            self.rerender()

    async def act(self, action: str, element: Any) -> None:
        if action in ANSWERS:
            self.answer(ANSWERS[action])
            return
        if action == choice_view.TIER_ACTION:
            field = self.page.root.querySelector(f"#{choice_view.DELETE_OTHER_ID}")
            await self.switch(parse_tier(str(element.dataset.tier)), bool(field and field.checked))
            return
        model = str(element.dataset.model)
        if action in TASKS and self.shelf.model(model) is not None:
            await self.shelf.run(TASKS[action], model)  # a failure is kept in shelf.outcomes

    async def submit(self, action: str, form: Any) -> None:
        return None

    async def switch(self, tier: Tier | None, delete_other: bool) -> None:
        """Make ``tier`` the tutor: stored as the learner's choice, its models downloaded,
        the other generators deleted when ``delete_other``, the tutor moved to it."""
        if tier is None or self.picker is None or self.switching is not None:
            return
        lang = self.lang()
        self.switching, self.switch_outcome = tier, ("", False)
        self.changed()
        try:
            self.picker.choose(tier)
            choice = self.picker.choice(lang)
            await self._persist()
            await self.shelf.refresh()
            for model in tier_models(tier, self.embedder()):
                found = self.shelf.model(model)
                if found is None or not found.complete:
                    await self.shelf.run("download", model)
                    outcome = self.shelf.outcomes.get(model)
                    if outcome is not None and not outcome.ok:
                        raise TropaError(outcome.error)
            if delete_other:
                for other in {g for g in TIER_GENERATORS.values() if g and g != choice.model}:
                    found = self.shelf.model(other)
                    if found is not None and found.stored > 0:
                        await self.shelf.run("delete", other)
            if self.on_switch is not None:
                await self.on_switch(choice)
            self.switch_outcome = (t(lang, "tier_switched", tier=t(lang, f"tier_{tier}")), False)
        except TropaError as error:
            self.switch_outcome = (t(lang, "tier_switch_failed", error=str(error)), True)
        finally:
            self.switching = None
            self.changed()

    async def _persist(self) -> None:
        """Ask the browser to keep the site's storage: the learner agreed to a download."""
        if self.persist is not None and not self.persisted:
            self.persisted = await self.persist()

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
        if yes:
            await self._persist()
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
