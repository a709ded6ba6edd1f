"""The quiz part under CPython: the real QuizMaker, StudyRecord on a store in memory, a
fake page. Start a topic's quiz, an unchosen answer is refused, a right and a wrong
answer give their feedback and cards; a day later the wrong one is due in #/review, and
when it is answered nothing is due until the next date. Chromium walks the same in
test_quiz_review.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.services.quizzes import QuizMaker
from app.services.study import StudyRecord
from app.ui.quiz import QuizUi
from tests.app.quiz_library import quiz_data
from tests.fakes import FakeElement, FakePage

DAY_MS = 86_400_000
START_MS = 1_796_220_000_000


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


def make(page: FakePage, clock: Clock, store: MemoryStore) -> tuple[QuizUi, list[int]]:
    library = Library.from_dict(quiz_data())
    record = StudyRecord(store, now_ms=clock)
    asyncio.run(record.load())
    redraws: list[int] = []
    ui = QuizUi(record, QuizMaker, page, library=lambda: library, lang=lambda: "en",
                rerender=lambda: redraws.append(1))
    return ui, redraws


def button(**data: str) -> SimpleNamespace:
    return SimpleNamespace(dataset=SimpleNamespace(**data))


def form(mode: str, question: str, choice: str) -> Any:
    fields = {"choice": SimpleNamespace(value=choice)}
    return SimpleNamespace(dataset=SimpleNamespace(mode=mode, question=question),
                           elements=SimpleNamespace(namedItem=fields.__getitem__),
                           querySelector=lambda _selector: None)


def check(ui: QuizUi, mode: str, right: bool) -> str:
    session = ui.review if mode == "review" else ui.session
    assert session is not None and session.current is not None and session.current.is_choice
    question = session.current
    chosen = question.key if right else (question.key + 1) % len(question.options)
    asyncio.run(ui.submit("quiz-check", form(mode, question.id, str(chosen))))
    return question.id


def test_a_quiz_records_answers_and_the_wrong_one_comes_back_tomorrow() -> None:
    page, clock, store = FakePage("#/topic/git.staging"), Clock(), MemoryStore()
    page.elements["quiz-stage"] = stage = FakeElement()
    focused: list[bool] = []
    stage.focus = lambda: focused.append(True)  # type: ignore[attr-defined]
    ui, redraws = make(page, clock, store)
    block = str(ui.topic_block("git.staging", "en"))
    assert 'data-action="quiz-start"' in block and 'data-level="untested"' in block
    asyncio.run(ui.act("quiz-start", button(topic="git.staging")))
    assert ui.session is not None and ui.session.questions and focused
    assert 'data-action="quiz-check"' in str(ui.topic_block("git.staging", "en"))
    assert ui.session.current is not None
    asyncio.run(ui.submit("quiz-check", form("topic", ui.session.current.id, "")))
    assert "Choose one of the answers first." in str(ui.topic_block("git.staging", "en"))
    assert ui.record.cards == {}

    right = check(ui, "topic", right=True)
    block = str(ui.topic_block("git.staging", "en"))
    assert 'data-verdict="right"' in block and "From the text" in block
    asyncio.run(ui.act("quiz-next", button()))
    wrong = check(ui, "topic", right=False)
    assert 'data-verdict="wrong"' in str(ui.topic_block("git.staging", "en"))
    assert set(ui.record.cards) == {right, wrong} and len(redraws) >= 4
    assert "Nothing to review today." in str(ui.content(Route("review"), "en"))

    # Tomorrow, on a fresh visit: the answers were kept, the wrong one is due.
    clock.ms += DAY_MS
    page.hash = "#/review"
    ui, _ = make(page, clock, store)
    assert "Your last 2 answers here: 1 right." in str(ui.topic_block("git.staging", "en"))
    review = str(ui.content(Route("review"), "en"))
    assert "Due today: 1" in review and f'data-question="{wrong}"' in review
    check(ui, "review", right=True)
    asyncio.run(ui.act("quiz-next", button()))
    done = str(ui.content(Route("review"), "en"))
    assert "1 of 1 right" in done and "Next review:" in done
    assert ui.content(Route("notes"), "en") is None
