"""The quiz and review controller: a shell part (``app.ui.parts``).

It owns the "Quiz yourself" block under every topic's text, the ``#/review`` page, and
their actions: start a topic's quiz, check an answer (each one recorded as an FSRS card
by ``StudyRecord``), go to the next question, ask the loaded generator for more
questions. Questions, checks and grading are ``app.services.quizzes``; the HTML is
``app.ui.quiz_view``. It redraws the page through ``rerender`` and then focuses the
quiz's stage, so keyboard and screen-reader users land on the new step.

A topic's quiz in progress is kept on the device after each step (``StudyRecord.keep_quiz``):
a reload brings back its answers and the current question; finishing it, stopping it
(``quiz-stop``) or starting another clears or replaces it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.errors import LibraryError, TropaError
from app.core.i18n import t
from app.core.learner.mastery import RECENT
from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.ports import Page
from app.services.quizzes import Feedback, QuizMaker, QuizSession
from app.services.study import StudyRecord
from app.ui import quiz_view
from app.ui.html import Markup
from app.ui.quiz_view import Stage

ACTIONS = frozenset({"quiz-start", "quiz-next", "quiz-model", "quiz-stop"})
FORMS = frozenset({"quiz-check"})
STAGE_ID = "quiz-stage"


class QuizUi:
    def __init__(self, record: StudyRecord, make_maker: Callable[[Library], QuizMaker], page: Page, *,
                 library: Callable[[], Library | None], lang: Callable[[], str],
                 rerender: Callable[[], None]) -> None:
        """``record`` is the learner's study record (loaded); ``make_maker`` builds the
        quiz maker for the library once it is loaded (``library()``)."""
        self.record = record
        self.make_maker = make_maker
        self.page = page
        self.library = library
        self.lang = lang
        self.rerender = rerender
        self.session: QuizSession | None = None  # the topic quiz running
        self.review: QuizSession | None = None
        self.message = ""
        self._maker: tuple[Library, QuizMaker] | None = None
        self._resumed = False

    def maker(self) -> QuizMaker | None:
        library = self.library()
        if library is None:
            return None
        if self._maker is None or self._maker[0] is not library:
            self._maker = (library, self.make_maker(library))
        return self._maker[1]

    def _resume(self) -> None:
        """Once the library is here: bring back the quiz the device kept, if its topic
        is still in the library and no quiz was started since."""
        library = self.library()
        if self._resumed or library is None:
            return
        self._resumed = True
        saved = self.record.quiz
        if self.session is None and saved is not None and (saved.topic, saved.lang) in library.topics:
            self.session = QuizSession.resumed(saved)

    async def _keep(self) -> None:
        """Keep the topic's quiz as it is now on the device, or forget it once it is over."""
        session = self.session
        await self.record.keep_quiz(None if session is None or session.finished else session.saved())

    # -- what the shell shows ----------------------------------------------------------------
    def _stage(self) -> Stage:
        maker = self.maker()
        library = self.library()

        def title_of(topic: str) -> str:
            try:
                return library.topic(topic, self.lang()).title if library else topic
            except LibraryError:
                return topic

        return Stage(self.message or self.record.notice,
                     maker is not None and maker.inference is not None and maker.generator_ready(),
                     title_of)

    def recent(self, topic: str) -> tuple[int, int]:
        """Right answers among the topic's last RECENT, and how many those are."""
        latest = self.record.results.get(topic, [])[-RECENT:]
        return sum(r.verdict == "right" for r in latest), len(latest)

    def topic_block(self, topic_id: str, lang: str) -> Markup | None:
        library = self.library()
        if library is None:
            return None
        self._resume()
        title = library.topic(topic_id, lang).title
        return quiz_view.topic_block(topic_id, title, self.record.mastery(topic_id), self.recent(topic_id),
                                     self.session, self._stage(), lang)

    def content(self, route: Route, lang: str) -> Markup | None:
        if route.view != "review":
            return None
        session = self._review_session(lang)
        upcoming = self.record.next_due()
        later = quiz_view.local_date(upcoming, self.record.utc_offset_minutes()) if upcoming else ""
        return quiz_view.review_page(session, len(self.record.due()), bool(self.record.cards), later,
                                     self._stage(), lang)

    def _review_session(self, lang: str) -> QuizSession | None:
        """The review running, or a new one when cards fell due that it does not have."""
        maker = self.maker()
        if maker is None:
            return None
        current = self.review
        due = {card.id for card in self.record.due()}
        if current is None or (current.finished and due - {q.id for q in current.questions}):
            self.review = maker.review(self.record, lang) if due else None
        return self.review

    # -- actions ---------------------------------------------------------------------------
    def handles(self, action: str) -> bool:
        return action in ACTIONS or action in FORMS

    def _redraw(self) -> None:
        self.rerender()
        stage = self.page.element(STAGE_ID)
        if stage:
            stage.focus()

    async def act(self, action: str, element: Any) -> None:
        maker = self.maker()
        library = self.library()
        if maker is None or library is None:
            return
        self._resume()
        self.message = ""
        if action == "quiz-start":
            topic = str(element.dataset.topic)
            if (topic, "en") not in library.topics:
                return
            session = maker.quiz(topic, self.lang(), self.record)
            self.session = session if session.questions else None
            if not session.questions:
                self.message = t(self.lang(), "quiz_empty")
            await self._keep()
        elif action == "quiz-next":
            answered = self._answered()
            if answered is not None:
                answered.index += 1
                if answered is self.session:
                    await self._keep()
        elif action == "quiz-stop" and self.session is not None:
            self.session = None
            await self._keep()
            self.rerender()
            start = self.page.element(quiz_view.START_ID)
            if start:
                start.focus()
            return
        elif action == "quiz-model" and self.session is not None and maker.generator_ready():
            await maker.add_model_questions(self.session, self._model_changed)
            await self._keep()
        self._redraw()

    def _answered(self) -> QuizSession | None:
        """The session on screen whose current question has its feedback."""
        on_review = self.page.location_hash().startswith("#/review")
        session = self.review if on_review else self.session
        if session is None or session.current is None or session.current.id not in session.feedback:
            return None
        return session

    def _model_changed(self) -> None:
        # Only the count and the model's status: a redraw would wipe an answer being typed.
        session = self.session
        if session is None:
            return
        count = self.page.element("quiz-count")
        if count:
            count.textContent = quiz_view.count(session, self.lang())
        status = self.page.element("quiz-model-status")
        if status:  # the same live region, so a screen reader says each change
            for name, value in quiz_view.run_data(session.model).items():
                status.setAttribute(name, value)
            status.innerHTML = str(quiz_view.model_status(session.model, self.lang()) or "")

    async def submit(self, action: str, form: Any) -> None:
        maker = self.maker()
        session = self.review if str(form.dataset.mode) == "review" else self.session
        if maker is None or session is None or action != "quiz-check":
            return
        question = session.current
        if question is None or str(form.dataset.question) != question.id or question.id in session.feedback:
            return
        lang = self.lang()
        self.message = ""
        if question.is_choice:
            chosen = str(form.elements.namedItem("choice").value)
            answer: str | int = int(chosen) if chosen.isdigit() else -1
            if answer == -1:
                self.message = t(lang, "quiz_choose")
        else:
            answer = str(form.elements.namedItem("answer").value).strip()
            if not answer:
                self.message = t(lang, "quiz_write")
        if self.message:
            self._redraw()
            return
        button = form.querySelector("button.check")
        if button:
            button.disabled = True
            button.textContent = t(lang, "quiz_checking")
        try:
            grade = await maker.grade(question, answer)
        except (ValueError, TropaError) as error:
            self.message = t(lang, "quiz_failed", reason=str(error))
            self._redraw()
            return
        session.feedback[question.id] = Feedback(question, grade)
        await self.record.record(question, grade, session.roadmaps.get(question.id, ""))
        if session is self.session:
            await self._keep()
        self._redraw()
