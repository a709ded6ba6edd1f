""""My trail" as a shell part (``app.ui.parts``): the ``#/plan`` page.

The learner states a goal (interests, hours a week, what they know, or their progress
says it); ``Trails.make`` gives the library's plan at once and the model's when it may
run. The model is used only when it is on the device or the learner says Download
here: a missing model gives the library's plan with a note and the question, never a
download unasked. Every plan and every accepted edit is saved on the device; an edit
that would break a prerequisite is refused with the reason in the status line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.core.errors import LibraryError, TropaError
from app.core.i18n import t
from app.core.learner import plan as rules
from app.core.learner import plan_export
from app.core.learner.plan import Plan, PlanRefused, known_topics
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ports import Page
from app.services.progress import ProgressBook
from app.services.roadmap import Trails, Wish
from app.services.stored_models import ModelShelf
from app.services.study import StudyRecord
from app.ui import plan_view
from app.ui.html import Markup
from app.ui.models_view import size_text
from app.ui.plan_view import Form

CLICKS = frozenset({"plan-up", "plan-down", "plan-remove", "plan-export", "plan-delete", "plan-open",
                    "plan-consent-yes", "plan-consent-no"})
FORMS = frozenset({"plan-make", "plan-add"})


def _value(form: Any, name: str) -> str:
    field = form.elements.namedItem(name)
    return str(field.value) if field else ""


def _checked(form: Any, name: str) -> bool:
    field = form.elements.namedItem(name)
    return bool(field.checked) if field else False


def known_ids(text: str, library: Library, lang: str) -> tuple[list[str], list[str]]:
    """Topic ids of the comma-separated titles (or ids) in ``text``, and the names that
    are no topic of the library."""
    by_name: dict[str, str] = {}
    for (topic_id, _lang), topic in library.topics.items():
        by_name.setdefault(topic.title.casefold(), topic_id)
        by_name.setdefault(topic_id, topic_id)
    for topic_id in {tid for tid, _ in library.topics}:
        by_name[library.topic(topic_id, lang).title.casefold()] = topic_id
    found: list[str] = []
    unknown: list[str] = []
    for name in (part.strip() for part in text.split(",")):
        if not name:
            continue
        match = by_name.get(name.casefold())
        if match:
            found.append(match)
        else:
            unknown.append(name)
    return list(dict.fromkeys(found)), unknown


class PlanUi:
    def __init__(self, trails: Trails, shelf: ModelShelf, progress: ProgressBook, page: Page, *,
                 library: Callable[[], Library | None], lang: Callable[[], str],
                 rerender: Callable[[], None], study: StudyRecord | None = None) -> None:
        self.trails = trails
        self.shelf = shelf
        self.progress = progress
        self.page = page
        self.library = library
        self.lang = lang
        self.rerender = rerender
        self.study = study
        self.values = Form()
        self.current = ""
        self.busy = False
        self.status = ""
        self.consent_size = ""
        self.consented = False
        self._wish: Wish | None = None

    def handles(self, action: str) -> bool:
        return action in CLICKS or action in FORMS

    def plan(self) -> Plan | None:
        return self.trails.plans.get(self.current) or self.trails.latest()

    def content(self, route: Route, lang: str) -> Markup | None:
        library = self.library()
        if route.view != "plan" or library is None:
            return None
        plans = list(self.trails.plans.values())
        status = self.status or self.trails.notice
        return plan_view.page(self.values, self.plan(), plans, library, self.progress.progress, lang,
                              busy=self.busy, status=status, consent_size=self.consent_size,
                              masteries=self.study.masteries() if self.study else None)

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    # -- making ---------------------------------------------------------------------------
    async def submit(self, action: str, form: Any) -> None:
        library = self.library()
        if library is None:
            return
        lang = self.lang()
        try:
            if action == "plan-make":
                await self._make_from(form, library, lang)
            elif action == "plan-add":
                await self._edit(library, lambda plan, title: rules.add(plan, _value(form, "topic"),
                                                                        library, title))
        except TropaError as error:
            self.busy, self.status = False, str(error)
        self.rerender()

    async def _make_from(self, form: Any, library: Library, lang: str) -> None:
        if self.busy:
            return
        self.values = Form(_value(form, "goal"), _value(form, "interests"), _value(form, "hours"),
                           _value(form, "known"), _checked(form, "use_progress"), _checked(form, "use_model"))
        try:
            hours = float(self.values.hours.replace(",", "."))
        except ValueError:
            raise PlanRefused(t(lang, "plan_bad_hours")) from None
        stated, unknown = known_ids(self.values.known, library, lang)
        if unknown:
            raise PlanRefused(t(lang, "plan_unknown_known", names=", ".join(unknown)))
        finished = [tid for tid in self.progress.progress.marks if self.progress.progress.finished(tid)]
        known = known_topics(stated, finished if self.values.use_progress else [])
        self._wish = Wish(self.values.goal, lang, hours, self.values.interests, known).checked()
        await self._make(library, lang, self.values.use_model)

    async def _model_allowed(self, library: Library) -> bool:
        """True when the model may run: stored, or the learner said Download; else the
        page asks (``consent_size``) and the library's plan is made meanwhile."""
        if self.consented:
            return True
        try:
            wanted = [self.trails.embedder_id(library), self.trails.generator_id()]
            missing = await self.shelf.missing([m for m in wanted if m])
        except TropaError:
            return False
        if not missing:
            return True
        self.consent_size = size_text(sum(m.size - m.stored for m in missing), self.lang())
        return False

    async def _make(self, library: Library, lang: str, use_model: bool, replacing: str = "") -> None:
        wish = self._wish
        if wish is None:
            return
        self.busy, self.status, self.consent_size = True, t(lang, "plan_making"), ""
        self.rerender()
        allowed = use_model and await self._model_allowed(library)

        def draft(plan: Plan) -> None:
            if allowed:
                self.status = t(lang, "plan_model_working")
                self.trails.plans[plan.id] = plan
                self.current = plan.id
                self.rerender()

        try:
            plan = await self.trails.make(wish, library, use_model=allowed, on_draft=draft)
        finally:
            self.busy = False
        if use_model and not allowed and self.consent_size:
            plan = replace(plan, note="model-declined")
        if replacing:
            await self.trails.delete(replacing)
        if await self.trails.save(plan, library):
            self.status = t(lang, "plan_saved")
        self.current = plan.id

    # -- clicks -----------------------------------------------------------------------------
    async def act(self, action: str, element: Any) -> None:
        library = self.library()
        if library is None:
            return
        lang = self.lang()
        try:
            await self._act(action, element, library, lang)
        except TropaError as error:
            self.busy, self.status = False, str(error)
        self.rerender()

    async def _act(self, action: str, element: Any, library: Library, lang: str) -> None:
        plan = self.plan()
        if action == "plan-consent-yes":
            self.consented, self.consent_size = True, ""
            if self._wish is not None and not self.busy:
                await self._make(library, lang, True, replacing=plan.id if plan else "")
        elif action == "plan-consent-no":
            self.consent_size = ""
        elif action == "plan-open":
            self.current, self.status = str(element.dataset.plan), ""
        elif plan is None:
            return
        elif action in ("plan-up", "plan-down", "plan-remove"):
            index = int(str(element.dataset.index))
            if action == "plan-remove":
                await self._edit(library, lambda p, title: rules.remove(p, index, library, title))
            else:
                delta = -1 if action == "plan-up" else 1
                await self._edit(library, lambda p, title: rules.move(p, index, delta, library, title))
        elif action == "plan-export":
            name = plan_export.filename(plan)
            self.page.download(name, plan_export.tar_text(plan, library), "application/x-tar")
            self.status = t(lang, "plan_exported", file=name)
        elif action == "plan-delete":
            await self.trails.delete(plan.id)
            self.current, self.status = "", t(lang, "plan_deleted")

    async def _edit(self, library: Library,
                    change: Callable[[Plan, Callable[[str], str]], Plan]) -> None:
        plan = self.plan()
        if plan is None:
            return
        lang = self.lang()
        try:
            changed = change(plan, self.trails.title(library, lang))
        except LibraryError as error:
            raise PlanRefused(str(error)) from None
        if await self.trails.save(changed, library):
            self.status = t(lang, "plan_saved")
        self.current = changed.id
