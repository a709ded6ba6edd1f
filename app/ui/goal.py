"""The learner's goal as a shell part (``app.ui.parts``): a one-line form on ``#/review``,
under the review that ``host`` draws, and what the tutor knows of the learner (the same
note its prompt gets: goal, known and weak topics).

The goal is kept by ``StudyRecord.set_goal`` (``meta/goal`` on the device); a goal too
long stays in the field with the reason beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.errors import LibraryError
from app.core.goal_words import say
from app.core.learner.profile import MAX_GOAL, tutor_note
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.services.progress import ProgressBook
from app.services.study import StudyRecord
from app.ui.html import Markup, h

GOAL_FIELD = "goal"
FORMS = frozenset({"goal"})


class GoalUi:
    def __init__(self, record: StudyRecord, progress: ProgressBook, *,
                 library: Callable[[], Library | None], lang: Callable[[], str],
                 rerender: Callable[[], None],
                 host: Callable[[Route, str], Markup | None]) -> None:
        """``host(route, lang)`` is the review page this block opens (the quiz part's)."""
        self.record = record
        self.progress = progress
        self.library = library
        self.lang = lang
        self.rerender = rerender
        self.host = host
        self.message = ""
        self.draft: str | None = None  # a goal the record refused, kept in the field

    def handles(self, action: str) -> bool:
        return action in FORMS

    def note(self, lang: str) -> str:
        """The tutor's note on the learner in ``lang`` ("" with nothing to say)."""
        library = self.library()

        def title_of(topic_id: str) -> str | None:
            if library is None:
                return None
            try:
                return library.topic(topic_id, lang).title
            except LibraryError:
                return None

        return tutor_note(self.record.profile(self.progress.progress), title_of, lang)

    def content(self, route: Route, lang: str) -> Markup | None:
        if route.view != "review":
            return None
        below = self.host(route, lang)
        # Below the review: its h1 stays the page's first heading (focus moves there).
        return Markup(str(below or "") + str(self.block(lang)))

    def block(self, lang: str) -> Markup:
        note = self.note(lang)
        value = self.draft if self.draft is not None else self.record.goal
        return h(
            "section", {"class": "goal", "aria-labelledby": "goal-heading"},
            h("h2", {"id": "goal-heading"}, say(lang, "goal_title")),
            h("form", {"class": "goal-form", "data-action": "goal"},
              h("label", {"for": "goal-input", "class": "visually-hidden"}, say(lang, "goal_title")),
              h("input", {"id": "goal-input", "name": GOAL_FIELD, "type": "text", "value": value,
                          "maxlength": str(MAX_GOAL + 50), "aria-describedby": "goal-hint"}),
              h("button", {"type": "submit"}, say(lang, "goal_save"))),
            h("p", {"id": "goal-hint", "class": "meta"}, say(lang, "goal_hint")),
            h("p", {"class": "goal-status", "role": "status"}, self.message),
            h("p", {"class": "goal-profile meta"}, say(lang, "goal_known", note=note)) if note else None,
        )

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        return None

    async def act(self, action: str, element: Any) -> None:
        return None

    async def submit(self, action: str, form: Any) -> None:
        if action != "goal":
            return
        text = str(form.elements.namedItem(GOAL_FIELD).value)
        lang = self.lang()
        try:
            await self.record.set_goal(text)
        except ValueError:
            length = str(len(" ".join(text.split())))
            self.draft, self.message = text, say(lang, "goal_too_long", n=length, limit=str(MAX_GOAL))
        else:
            self.draft = None
            kept = say(lang, "goal_saved") if self.record.goal else say(lang, "goal_cleared")
            self.message = self.record.notice or kept
        self.rerender()
