"""Quizzes as the page runs them, against the honest fake worker and a store in memory:
a topic's quiz starts at once from its text, answers become cards and results, a wrong
answer is due tomorrow, the model's questions are verified (a wrong key re-keyed, an
unsupported one dropped) within a time budget, open answers use the embedder."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.services.quizzes import QuizMaker, QuizSession
from app.services.study import StudyRecord
from tests.app.quiz_library import RETRIEVAL, TEXTS, quiz_data
from tests.fakes import FakeInference

DAY_MS = 86_400_000
START_MS = 1_796_220_000_000  # 2026-12-02 around 15:20 UTC


class Clock:
    def __init__(self) -> None:
        self.ms = START_MS

    def __call__(self) -> int:
        return self.ms


def library() -> Library:
    return Library.from_dict(quiz_data(RETRIEVAL))


def record_on(store: MemoryStore, clock: Clock) -> StudyRecord:
    record = StudyRecord(store, now_ms=clock)
    asyncio.run(record.load())
    return record


def answer_all(maker: QuizMaker, record: StudyRecord, session: QuizSession, wrong_first: bool) -> None:
    async def run() -> None:
        for index, question in enumerate(session.questions):
            if question.is_choice:
                miss = wrong_first and index == 0
                choice = (question.key + 1) % len(question.options) if miss else question.key
                grade = await maker.grade(question, choice)
            else:
                grade = await maker.grade(question, question.answer)
            await record.record(question, grade, session.roadmaps[question.id])
    asyncio.run(run())


def test_a_quiz_starts_from_the_text_with_checked_questions_open_last() -> None:
    maker, record = QuizMaker(library()), record_on(MemoryStore(), Clock())
    session = maker.quiz("git.log", "en", record)
    assert 3 <= len(session.questions) <= 6
    assert [q.is_choice for q in session.questions][-1] is False  # the open question last
    assert sum(not q.is_choice for q in session.questions) == 1
    passages = maker.passages("git.log", "en")
    assert all(q.topic == "git.log" and q.source in passages for q in session.questions)


def test_answers_become_cards_and_a_wrong_one_is_due_tomorrow_after_a_reload() -> None:
    store, clock = MemoryStore(), Clock()
    maker, record = QuizMaker(library()), record_on(store, clock)
    session = maker.quiz("git.staging", "en", record)
    answer_all(maker, record, session, wrong_first=True)
    assert record.due() == []  # nothing comes back today
    clock.ms += DAY_MS
    reloaded = record_on(store, clock)
    due = reloaded.due()
    assert [card.id for card in due] == [session.questions[0].id]
    assert due[0].last_verdict == "wrong"
    assert len(reloaded.cards) == len(session.questions)
    assert [r.verdict for r in reloaded.results["git.staging"]].count("wrong") == 1
    review = maker.review(reloaded, "en")
    assert review.mode == "review" and [q.id for q in review.questions] == [due[0].id]
    assert reloaded.next_due() is not None


def test_the_quiz_asks_first_what_went_wrong_before() -> None:
    store, clock = MemoryStore(), Clock()
    maker, record = QuizMaker(library()), record_on(store, clock)
    first = maker.quiz("git.log", "en", record)
    answer_all(maker, record, first, wrong_first=False)
    missed = first.questions[1]
    asyncio.run(record.record(missed, asyncio.run(maker.grade(missed, (missed.key + 1) % 4)), "git"))
    again = maker.quiz("git.log", "en", record)
    assert again.questions[0].id == missed.id


def test_mastery_and_profile_follow_the_results() -> None:
    store, clock = MemoryStore(), Clock()
    maker, record = QuizMaker(library()), record_on(store, clock)
    for _ in range(2):
        session = maker.quiz("git.remote", "en", record)
        for question in session.questions:
            wrong = (question.key + 1) % len(question.options) if question.is_choice else "no idea at all"
            asyncio.run(record.record(question, asyncio.run(maker.grade(question, wrong)), "git"))
    assert record.mastery("git.remote").level == "weak"
    assert record.mastery("git.log").level == "untested"
    from app.core.learner.progress import Progress
    assert record.profile(Progress()).weak == ("git.remote",)


def test_review_asks_first_the_due_cards_of_weak_topics() -> None:
    store, clock = MemoryStore(), Clock()
    maker, record = QuizMaker(library()), record_on(store, clock)
    staging = maker.quiz("git.staging", "en", record)
    answer_all(maker, record, staging, wrong_first=True)  # one miss
    clock.ms += 1000
    for _ in range(2):  # every answer wrong: remote is weak
        session = maker.quiz("git.remote", "en", record)
        for question in session.questions:
            wrong = (question.key + 1) % len(question.options) if question.is_choice else "no idea at all"
            asyncio.run(record.record(question, asyncio.run(maker.grade(question, wrong)), "git"))
    clock.ms += DAY_MS
    assert record.mastery("git.remote").level == "weak"
    assert record.weak_topics()[0] == "git.remote"  # the weakest
    assert record.mastery("git.remote").score < record.mastery("git.staging").score
    due = record.due()
    assert due[0].topic == "git.staging"  # by FSRS alone the staging miss is the most overdue
    review = maker.review(record, "en")
    assert {q.id for q in review.questions} == {c.id for c in due}  # the same cards are due
    assert review.questions[0].topic == "git.remote"
    assert [q.topic for q in review.questions][-1] == "git.staging"


def test_a_full_disk_keeps_the_answer_for_the_visit_and_says_so() -> None:
    store = MemoryStore(quota_bytes=10)
    maker, record = QuizMaker(library()), record_on(store, Clock())
    question = maker.quiz("git.undo", "en", record).questions[0]
    asyncio.run(record.record(question, asyncio.run(maker.grade(question, question.key)), "git"))
    assert "Not enough space" in record.notice and question.id in record.cards


GOOD_REPLY = """Question: What does `git push` do?
A) It deletes the remote repository
B) It sends your commits to the remote repository you name
C) It renames the current branch
D) It prints the commit history
Answer: D"""


def model_maker(reply: str, **kwargs: Any) -> tuple[QuizMaker, FakeInference]:
    inference = FakeInference(reply=reply, **kwargs)
    return QuizMaker(library(), inference, generator="gen-x"), inference


def test_model_questions_are_checked_and_a_wrong_key_is_rekeyed() -> None:
    maker, inference = model_maker(GOOD_REPLY)
    session = maker.quiz("git.remote", "en", record_on(MemoryStore(), Clock()))
    before = len(session.questions)
    run = asyncio.run(maker.add_model_questions(session, lambda: None, count=1))
    assert run.state == "done" and (run.asked, run.parsed, run.verified, run.rekeyed) == (1, 1, 1, 1)
    added = session.questions[1]
    assert added.origin == "model" and len(session.questions) == before + 1
    assert added.options[added.key] == "It sends your commits to the remote repository you name"
    assert any(call[0] == "embed" for call in inference.calls)  # the embedder helped check it


def test_model_questions_the_source_does_not_support_are_dropped() -> None:
    reply = "Question: Who wrote Git?\nA) Linus\nB) Ada\nC) Grace\nD) Alan\nAnswer: A"
    maker, _ = model_maker(reply)
    session = maker.quiz("git.remote", "en", record_on(MemoryStore(), Clock()))
    before = [q.id for q in session.questions]
    run = asyncio.run(maker.add_model_questions(session, lambda: None, count=2))
    assert (run.verified, run.dropped) == (0, 2)
    assert [q.id for q in session.questions] == before


def test_without_a_generator_the_quiz_stays_deterministic() -> None:
    maker, _ = model_maker(GOOD_REPLY, fail_load={"gen-x": "no space for the model"})
    session = maker.quiz("git.remote", "en", record_on(MemoryStore(), Clock()))
    before = list(session.questions)
    run = asyncio.run(maker.add_model_questions(session, lambda: None))
    assert run.state == "unavailable" and session.questions == before
    assert QuizMaker(library()).generator.id == ""


def test_the_model_gets_no_more_than_its_time_budget() -> None:
    maker, _ = model_maker(GOOD_REPLY, token_delay=0.05)
    session = maker.quiz("git.remote", "en", record_on(MemoryStore(), Clock()))
    run = asyncio.run(maker.add_model_questions(session, lambda: None, budget_s=0.2, count=3))
    assert run.asked == 1 and run.dropped == run.cut == 1 and run.verified == 0  # cut off, then no time left
    assert run.why == ["cut by the time budget"]


def test_open_answers_are_graded_with_the_embedder() -> None:
    maker, inference = model_maker(GOOD_REPLY)
    question = next(q for q in maker.build("git.staging", "en").questions if not q.is_choice)
    right = asyncio.run(maker.grade(question, "a lightweight movable name pointing at a commit"))
    wrong = asyncio.run(maker.grade(question, "a database table for users"))
    assert right.correct and wrong.verdict == "wrong"
    assert ("load", "embedder-x") in inference.calls


def test_every_topic_of_the_library_gets_questions() -> None:
    maker = QuizMaker(library())
    for topic, lang in TEXTS:
        built = maker.build(topic, lang)
        assert built.questions and built.dropped >= 0
    assert dt.datetime.fromtimestamp(START_MS / 1000, dt.UTC).year == 2026
