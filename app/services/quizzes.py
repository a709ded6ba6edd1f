"""Quizzes for a topic, and reviews of what is due: building, checking, grading.

``QuizMaker.quiz`` starts a topic's quiz at once from questions built from the text
(``app.core.learner.quiz``), each checked against its source (``app.core.learner.keys``)
and ordered by the learner's record (what went wrong before comes first, then new
questions on terms missed elsewhere); ``review`` asks the weak topics' due cards first.
``add_model_questions`` then asks the on-device generator for more, within a time
budget; each reply is parsed, its key checked against the passage (with the embedder's
similarities when it is loaded), re-keyed or dropped, and the verified ones join the
quiz. Without a generator, or past the budget, the quiz stays deterministic.

Open answers are graded by the embedder's similarity to the reference plus key terms
(words alone when the embedder cannot load).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from app.core.errors import TropaError
from app.core.learner import drafts, keys
from app.core.learner import sentences as text
from app.core.learner.grading import Grade, grade_choice, grade_open
from app.core.learner.profile import order_questions
from app.core.learner.quiz import Question, TrailTerms, questions_for, with_key
from app.core.learner.resume import SavedQuiz
from app.core.library.catalog import Library
from app.core.tutor.vectors import dot, normalize
from app.ports import Inference
from app.services import pipelines
from app.services.pipelines import PipelineState
from app.services.study import StudyRecord

QUIZ_LENGTH = 6
MAX_OPEN = 1
# The model's turn: at most this many questions, within this many seconds in all.
MODEL_QUESTIONS = 3
MODEL_BUDGET_S = 90.0
# Loading the embedder to grade one answer may not hold the learner up longer than this.
EMBEDDER_WAIT_S = 30.0

Mode = Literal["topic", "review"]
RunState = Literal["idle", "loading", "writing", "done", "unavailable", "failed"]


@dataclass(frozen=True)
class Feedback:
    question: Question
    grade: Grade


@dataclass
class ModelRun:
    """What the model's turn did: replies asked for, parsed, verified (as given or
    re-keyed), dropped (of which ``cut``: stopped by the time budget; ``why`` says for
    each), and the seconds it took."""

    state: RunState = "idle"
    asked: int = 0
    parsed: int = 0
    verified: int = 0
    rekeyed: int = 0
    dropped: int = 0
    seconds: float = 0.0
    cut: int = 0
    why: list[str] = field(default_factory=list)  # why each dropped reply was dropped
    error: str = ""


@dataclass
class QuizSession:
    """One quiz (a topic's) or review (the due cards): its questions, where the learner
    is, and the feedback for each answered question."""

    mode: Mode
    topic: str
    lang: str
    questions: list[Question]
    roadmaps: dict[str, str]
    index: int = 0
    feedback: dict[str, Feedback] = field(default_factory=dict)
    model: ModelRun = field(default_factory=ModelRun)

    @property
    def current(self) -> Question | None:
        return self.questions[self.index] if self.index < len(self.questions) else None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.questions)

    @property
    def right(self) -> int:
        return sum(f.grade.correct for f in self.feedback.values())

    def saved(self) -> SavedQuiz:
        """What the device keeps of this quiz while it is in progress."""
        return SavedQuiz(self.topic, self.lang, tuple(self.questions), dict(self.roadmaps), self.index,
                         {qid: done.grade for qid, done in self.feedback.items()})

    @classmethod
    def resumed(cls, saved: SavedQuiz) -> QuizSession:
        """A topic's quiz where the learner left it (the model's turn is not resumed)."""
        by_id = {q.id: q for q in saved.questions}
        return cls("topic", saved.topic, saved.lang, list(saved.questions), dict(saved.roadmaps), saved.index,
                   {qid: Feedback(by_id[qid], grade) for qid, grade in saved.answered.items()})


@dataclass(frozen=True)
class Built:
    """A topic's deterministic questions: those verified, and how many were made."""

    questions: list[Question]
    generated: int

    @property
    def dropped(self) -> int:
        return self.generated - len(self.questions)


def cosine_rows(left: Sequence[Sequence[float]], right: Sequence[Sequence[float]]) -> list[list[float]]:
    a = [normalize(v) for v in left]
    b = [normalize(v) for v in right]
    return [[dot(x, y) for y in b] for x in a]


class QuizMaker:
    def __init__(self, library: Library, inference: Inference | None = None, *, generator: str = "",
                 force_webgpu: bool = False, monotonic: Callable[[], float] = time.monotonic,
                 generator_ready: Callable[[], bool] = lambda: False,
                 embedder_ready: Callable[[], bool] | None = None) -> None:
        """``inference`` is the ML worker (None: no model at all); ``generator`` the
        generator's model id; ``generator_ready()`` says whether it is loaded already (by
        the tutor), in which case the page offers to ask it for questions. With
        ``embedder_ready``, open answers use the embedder only once that says it is
        loaded (by the tutor): a quiz alone never downloads a model."""
        self.library = library
        self.inference = inference
        self.monotonic = monotonic
        self.force_webgpu = force_webgpu
        self.generator_ready = generator_ready
        self.embedder_ready = embedder_ready
        section = library.retrieval
        self.embedder = PipelineState(str(section.get("model", "")), "embedder")
        self.query_prefix = str(section.get("query_prefix", "query: "))
        self.passage_prefix = str(section.get("passage_prefix", "passage: "))
        self.generator = PipelineState(generator, "generator")
        self._bank: TrailTerms | None = None
        self._built: dict[tuple[str, str], Built] = {}

    # -- deterministic --------------------------------------------------------------------
    def passages(self, topic_id: str, lang: str) -> list[str]:
        return text.passages(self.library.topic(topic_id, lang).html)

    def bank(self) -> TrailTerms:
        if self._bank is None:
            self._bank = TrailTerms.collect(
                (topic.id, topic.lang, text.passages(topic.html)) for topic in self.library.topics.values())
        return self._bank

    def build(self, topic_id: str, lang: str) -> Built:
        """The topic's questions from its text (in the topic's own language), each checked
        against the text; built once per visit."""
        topic = self.library.topic(topic_id, lang)
        slot = (topic.id, topic.lang)
        if slot not in self._built:
            passages = text.passages(topic.html)
            made = questions_for(topic.id, topic.lang, passages, self.bank())
            verified = [q for q in made if keys.check(q, passages).ok]
            self._built[slot] = Built(verified, len(made))
        return self._built[slot]

    def quiz(self, topic_id: str, lang: str, record: StudyRecord) -> QuizSession:
        """A topic's quiz: QUIZ_LENGTH questions (at most MAX_OPEN open, asked last),
        what went wrong before first, what is not due yet last."""
        topic = self.library.topic(topic_id, lang)
        ordered = order_questions(self.build(topic_id, lang).questions, record.last_verdicts(),
                                  record.not_due(), record.missed_terms())
        choice = [q for q in ordered if q.is_choice][:QUIZ_LENGTH - MAX_OPEN]
        opened = [q for q in ordered if not q.is_choice][:MAX_OPEN]
        chosen = [*choice, *opened][:QUIZ_LENGTH]
        return QuizSession("topic", topic.id, topic.lang, chosen, {q.id: topic.roadmap for q in chosen})

    def review(self, record: StudyRecord, lang: str) -> QuizSession:
        """The cards due today, as one session across trails: the weak topics' cards
        first (weakest first), each group most overdue first. Which cards are due is
        FSRS's alone; the learner's profile only orders them."""
        weak = {topic: rank for rank, topic in enumerate(record.weak_topics())}
        due = sorted(record.due(), key=lambda card: weak.get(card.topic, len(weak)))
        return QuizSession("review", "", lang, [c.question for c in due], {c.id: c.roadmap for c in due})

    # -- grading --------------------------------------------------------------------------
    async def grade(self, question: Question, answer: str | int) -> Grade:
        """Grade a choice (an option's index) or an open answer (its text)."""
        if question.is_choice:
            if not isinstance(answer, int):
                raise ValueError("choose one of the options")
            return grade_choice(question, answer)
        similarity = None
        rows = await self.similarity([str(answer)], [question.answer])
        if rows:
            similarity = rows[0][0]
        return grade_open(question, str(answer), similarity)

    async def _embedder_ready(self) -> bool:
        if self.inference is None or not self.embedder.id or self.embedder.phase == "failed":
            return False
        if self.embedder_ready is not None and not self.embedder_ready():
            return False
        if self.embedder.phase != "ready":
            try:
                await asyncio.wait_for(pipelines.load(self.inference, self.embedder, self.force_webgpu,
                                                      lambda: None), EMBEDDER_WAIT_S)
            except (TropaError, TimeoutError):
                return False
        return self.embedder.phase == "ready"

    async def similarity(self, queries: list[str], passages: list[str]) -> list[list[float]] | None:
        """Cosines between each query and each passage text by the library's embedder, or
        None when it cannot run (then the caller goes by words alone)."""
        if not queries or not passages or not await self._embedder_ready() or self.inference is None:
            return None
        try:
            left = await self.inference.embed(self.embedder.id, queries, self.query_prefix)
            right = await self.inference.embed(self.embedder.id, passages, self.passage_prefix)
        except TropaError:
            return None
        return cosine_rows(left, right)

    # -- the model's questions --------------------------------------------------------------
    async def add_model_questions(self, session: QuizSession, on_change: Callable[[], None],
                                  budget_s: float = MODEL_BUDGET_S, count: int = MODEL_QUESTIONS) -> ModelRun:
        """Ask the generator for up to ``count`` questions about the session's topic within
        ``budget_s`` seconds; verified ones join the session after its current question."""
        run = session.model = ModelRun("loading")
        on_change()
        started = self.monotonic()
        try:
            if not await self._generator_loaded():
                run.state = "unavailable"
                return run
            run.state = "writing"
            on_change()
            await self._write_questions(session, run, started, budget_s, count, on_change)
            run.state = "done"
        except TropaError as error:
            run.state, run.error = "failed", str(error)
        finally:
            run.seconds = round(self.monotonic() - started, 1)
            on_change()
        return run

    async def _generator_loaded(self) -> bool:
        if self.inference is None or not self.generator.id:
            return False
        if self.generator.phase != "ready":
            try:
                await pipelines.load(self.inference, self.generator, self.force_webgpu, lambda: None)
            except TropaError:
                return False
        return True

    async def _write_questions(self, session: QuizSession, run: ModelRun, started: float, budget_s: float,
                               count: int, on_change: Callable[[], None]) -> None:
        passages = self.passages(session.topic, session.lang)
        # The longest passages carry the most facts; alternate choice and open questions.
        ordered = sorted(passages, key=len, reverse=True)
        kinds: tuple[drafts.DraftKind, ...] = ("choice", "choice", "open")
        for turn, passage in enumerate(ordered[:count]):
            remaining = budget_s - (self.monotonic() - started)
            if remaining <= 0:
                break
            question = await self._one(passage, session.topic, session.lang, kinds[turn % 3], remaining, run)
            if question is None:
                continue
            known = {q.id for q in session.questions}
            if question.id not in known:
                session.questions.insert(min(session.index + 1, len(session.questions)), question)
                session.roadmaps[question.id] = self.library.topic(session.topic, session.lang).roadmap
            on_change()

    async def _one(self, passage: str, topic: str, lang: str, kind: drafts.DraftKind, remaining: float,
                   run: ModelRun) -> Question | None:
        if self.inference is None:
            return None
        run.asked += 1
        try:
            reply = await asyncio.wait_for(
                self.inference.generate(self.generator.id, drafts.messages(passage, lang, kind),
                                        drafts.MAX_NEW_TOKENS), remaining)
        except TimeoutError:
            with contextlib.suppress(TropaError):
                await self.inference.interrupt()
            run.dropped += 1
            run.cut += 1
            run.why.append("cut by the time budget")
            return None
        try:
            question = drafts.parse_reply(str(reply.get("text", "")), topic, lang, passage)
        except drafts.DraftError as error:
            run.dropped += 1
            run.why.append(str(error))
            return None
        run.parsed += 1
        return await self._verified(question, passage, run)

    async def _verified(self, question: Question, passage: str, run: ModelRun) -> Question | None:
        sentences = text.sentences(passage)
        if question.is_choice:
            statements = [f"{question.stem} {option}" for option in question.options]
        else:
            statements = [question.answer]
        similarity = await self.similarity(statements, sentences)
        verdict = keys.check(question, [passage], similarity)
        if not verdict.ok:
            run.dropped += 1
            run.why.append(f"key check: {verdict.reason}")
            return None
        run.verified += 1
        if verdict.rekeyed:
            run.rekeyed += 1
            return with_key(question, verdict.key)
        return question
