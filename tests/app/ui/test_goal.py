"""The learner's goal and profile block on #/review under CPython: the real StudyRecord on
a MemoryStore, the real progress book and library; a form stands in for the DOM's."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.core.library.routes import parse
from app.services.progress import ProgressBook
from app.services.quizzes import QuizMaker
from app.services.study import StudyRecord
from app.ui.goal import GOAL_FIELD, GoalUi
from app.ui.html import Markup, h
from app.ui.quiz import QuizUi
from tests.app.core.library.test_catalog import DATA
from tests.app.quiz_library import quiz_data
from tests.fakes import FakePage


def form(goal: str) -> SimpleNamespace:
    field = SimpleNamespace(value=goal)
    fields = {GOAL_FIELD: field}
    return SimpleNamespace(elements=SimpleNamespace(namedItem=fields.get))


def make() -> tuple[GoalUi, StudyRecord, MemoryStore, list[int]]:
    store = MemoryStore()
    record = StudyRecord(store)
    progress = ProgressBook(store)
    library = Library.from_dict(DATA)
    redraws: list[int] = []
    review = h("section", {"class": "review"}, "the review")

    def host(route: object, lang: str) -> Markup | None:
        return review

    ui = GoalUi(record, progress, library=lambda: library, lang=lambda: "en",
                rerender=lambda: redraws.append(1), host=host)
    return ui, record, store, redraws


def test_the_goal_is_saved_on_the_device_and_the_tutor_profile_is_shown() -> None:
    ui, record, store, redraws = make()
    page = ui.content(parse("#/review"), "en")
    assert page is not None and 'name="goal"' in page and "the review" in page
    assert "The tutor knows" not in page  # nothing to say yet
    assert ui.handles("goal") and not ui.handles("note")
    asyncio.run(ui.submit("goal", form("  get a   job with Python ")))
    assert record.goal == "get a job with Python" and redraws
    reloaded = StudyRecord(store)
    asyncio.run(reloaded.load())
    assert reloaded.goal == "get a job with Python"
    page = ui.content(parse("#/review"), "en")
    assert page is not None and "The learner's goal: get a job with Python." in page
    assert 'value="get a job with Python"' in page
    assert ui.content(parse("#/notes"), "en") is None


def test_a_goal_too_long_is_refused_with_the_reason_and_kept_in_the_field() -> None:
    ui, record, _, _ = make()
    asyncio.run(ui.submit("goal", form("x" * 201)))
    assert record.goal == ""
    page = ui.content(parse("#/review"), "en")
    assert page is not None and "201 characters long; keep it to 200." in page
    assert 'value="' + "x" * 201 + '"' in page


def test_russian_words() -> None:
    ui, _, _, _ = make()
    page = ui.content(parse("#/review"), "ru")
    assert page is not None and "Ваша цель" in page


def test_the_goal_opens_the_quiz_parts_review_page() -> None:
    store = MemoryStore()
    record = StudyRecord(store)
    library = Library.from_dict(quiz_data())
    quiz = QuizUi(record, QuizMaker, FakePage("#/review"), library=lambda: library, lang=lambda: "en",
                  rerender=lambda: None)
    ui = GoalUi(record, ProgressBook(store), library=lambda: library, lang=lambda: "en",
                rerender=lambda: None, host=quiz.content)
    page = str(ui.content(parse("#/review"), "en"))
    assert page.index('data-view="review"') < page.index('data-action="goal"')  # the h1 first
    assert "Nothing to review yet" in page or "nothing-due" in page
