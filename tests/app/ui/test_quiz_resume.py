"""A topic's quiz in progress survives a reload (under CPython: the real QuizUi, QuizMaker
and StudyRecord on one MemoryStore shared by two "visits", a fake page). Chromium walks
the same in test_quiz_resume_browser.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from app.core.learner.store import MemoryStore
from app.ui.quiz import QuizUi
from tests.app.ui.test_quiz import Clock, button, check, make
from tests.fakes import FakePage

TOPIC = "git.staging"


def visit(store: MemoryStore) -> QuizUi:
    ui, _ = make(FakePage(f"#/topic/{TOPIC}"), Clock(), store)
    return ui


def test_answers_and_the_current_question_come_back_after_a_reload() -> None:
    store = MemoryStore()
    ui = visit(store)
    asyncio.run(ui.act("quiz-start", button(topic=TOPIC)))
    assert ui.session is not None
    right = check(ui, "topic", right=True)
    asyncio.run(ui.act("quiz-next", button()))
    wrong = check(ui, "topic", right=False)  # answered; its feedback is on screen
    order = [q.id for q in ui.session.questions]

    again = visit(store)
    block = str(again.topic_block(TOPIC, "en"))
    assert again.session is not None and again.session.index == 1
    assert [q.id for q in again.session.questions] == order
    verdicts = {qid: f.grade.verdict for qid, f in again.session.feedback.items()}
    assert verdicts == {right: "right", wrong: "wrong"}
    assert f'data-question="{wrong}"' in block and 'data-verdict="wrong"' in block  # the feedback shown
    assert "Question 2 of" in block and 'data-action="quiz-stop"' in block

    asyncio.run(again.act("quiz-next", button()))  # on to the third question, kept too
    third = visit(store)
    assert third.topic_block(TOPIC, "en") is not None and third.session is not None
    assert third.session.index == 2 and third.session.current is not None
    assert third.session.current.id not in third.session.feedback


def answer_any(ui: QuizUi) -> None:
    """Answer the current question, whatever its kind (an open one in words of its own)."""
    assert ui.session is not None and ui.session.current is not None
    question = ui.session.current
    if question.is_choice:
        check(ui, "topic", right=True)
        return
    fields = {"answer": SimpleNamespace(value=question.answer)}
    form = SimpleNamespace(dataset=SimpleNamespace(mode="topic", question=question.id),
                           elements=SimpleNamespace(namedItem=fields.__getitem__),
                           querySelector=lambda _selector: None)
    asyncio.run(ui.submit("quiz-check", form))
    assert question.id in ui.session.feedback


def test_finishing_the_quiz_clears_it() -> None:
    store = MemoryStore()
    ui = visit(store)
    asyncio.run(ui.act("quiz-start", button(topic=TOPIC)))
    assert ui.session is not None
    while not ui.session.finished:
        answer_any(ui)
        assert ("meta", "quiz") in store.texts
        asyncio.run(ui.act("quiz-next", button()))
    assert ("meta", "quiz") not in store.texts
    again = visit(store)
    block = str(again.topic_block(TOPIC, "en"))
    assert again.session is None and 'data-action="quiz-start"' in block


def test_stopping_the_quiz_clears_it_and_focuses_the_start_button() -> None:
    store = MemoryStore()
    page = FakePage(f"#/topic/{TOPIC}")
    ui, _ = make(page, Clock(), store)
    asyncio.run(ui.act("quiz-start", button(topic=TOPIC)))
    check(ui, "topic", right=False)
    assert ("meta", "quiz") in store.texts
    asyncio.run(ui.act("quiz-stop", button()))
    assert ui.session is None and ("meta", "quiz") not in store.texts
    assert 'data-action="quiz-start"' in str(ui.topic_block(TOPIC, "en"))
    assert visit(store).topic_block(TOPIC, "en") is not None and visit(store).session is None
    assert len(ui.record.cards) == 1  # the answer given still counts


def test_a_damaged_saved_quiz_is_dropped_with_a_notice() -> None:
    store = MemoryStore()
    asyncio.run(store.put("meta", "quiz", {"topic": TOPIC, "lang": "en", "questions": "oops"}))
    ui = visit(store)
    assert ui.session is None and "the quiz in progress could not be read back" in ui.record.notice
    assert 'data-action="quiz-start"' in str(ui.topic_block(TOPIC, "en"))


def test_a_saved_quiz_of_a_topic_no_longer_in_the_library_is_not_shown() -> None:
    store = MemoryStore()
    ui = visit(store)
    asyncio.run(ui.act("quiz-start", button(topic=TOPIC)))
    record = asyncio.run(store.get("meta", "quiz"))
    for q in record["questions"]:
        q["topic"] = "gone.topic"
    record["topic"] = "gone.topic"
    asyncio.run(store.put("meta", "quiz", record))
    again = visit(store)
    again.topic_block(TOPIC, "en")
    assert again.session is None
