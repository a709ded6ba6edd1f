"""The quiz and review on the page, as pure functions of the session and the record.

``topic_block`` is the "Quiz yourself" block under a topic's text, ``review_page`` the
body of ``#/review``; both show a session (``app.services.quizzes.QuizSession``) one
question at a time through ``stage``: a form (radio buttons, or a text box for an open
question) until the question is answered, then the feedback (the verdict, the answer,
the passage it comes from, the key terms missed) with a Next button, and the result at
the end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from app.core.i18n import t
from app.core.learner.mastery import Mastery
from app.services.quizzes import Feedback, ModelRun, QuizSession
from app.ui.html import Markup, h, render
from app.ui.progress_view import mastery_badge

_SPAN = re.compile(r"`([^`\n]+)`")
START_ID = "quiz-start"  # the topic's "Quiz yourself" button (focused after a quiz is stopped)


def inline(text: str) -> Markup:
    """Text with its ```code``` spans (as the passages keep them) shown as code."""
    return render([h("code", None, part) if index % 2 else part
                   for index, part in enumerate(_SPAN.split(text))])


def _words_with(lang: str, key: str, name: str, shown: Markup) -> Markup:
    """The message ``key`` with ``shown`` (markup) in place of its ``{name}``."""
    before, _, after = t(lang, key, **{name: "\x00"}).partition("\x00")
    return render([before, shown, after])


@dataclass(frozen=True)
class Stage:
    """What the stage shows besides the session: a message (an unchosen answer, a failed
    check, the storage's refusal), whether the model may be asked for more questions, and
    the topic titles by id (a review names each question's topic)."""

    message: str = ""
    model_offer: bool = False
    title_of: Callable[[str], str] = str


def _choices(session: QuizSession, lang: str) -> Markup:
    question = session.current
    if question is None:
        return Markup("")
    radios = [
        h("li", None, h("label", None,
                        h("input", {"type": "radio", "name": "choice", "value": str(index)}),
                        " ", inline(option)))
        for index, option in enumerate(question.options)
    ]
    return h("fieldset", {"class": "choices"}, h("legend", {"class": "stem"}, inline(question.stem)),
             h("ol", {"class": "options", "aria-label": t(lang, "quiz_choices")}, radios))


def _open(session: QuizSession, lang: str) -> Markup:
    question = session.current
    if question is None:
        return Markup("")
    return h("div", {"class": "open"},
             h("p", {"class": "stem", "id": "quiz-stem"}, inline(question.stem)),
             h("label", {"for": "quiz-answer"}, t(lang, "quiz_answer_label")),
             h("textarea", {"id": "quiz-answer", "name": "answer", "rows": "3",
                            "aria-describedby": "quiz-stem",
                            "placeholder": t(lang, "quiz_answer_placeholder")}))


def question_form(session: QuizSession, lang: str) -> Markup:
    question = session.current
    if question is None:
        return Markup("")
    return h("form", {"class": "quiz-question", "data-action": "quiz-check", "data-mode": session.mode,
                      "data-question": question.id, "data-kind": question.kind},
             _choices(session, lang) if question.is_choice else _open(session, lang),
             h("p", {"class": "from-model"}, t(lang, "quiz_from_model")) if question.origin == "model"
             else None,
             h("button", {"type": "submit", "class": "check"}, t(lang, "quiz_check")))


def feedback(done: Feedback, last: bool, lang: str) -> Markup:
    question, grade = done.question, done.grade
    if question.is_choice and 0 <= grade.chosen < len(question.options):
        chosen: Markup | None = h("p", {"class": "chosen"}, _words_with(
            lang, "quiz_your_answer", "answer", inline(question.options[grade.chosen])))
    else:
        chosen = None
    missed = (h("p", {"class": "missed"}, t(lang, "quiz_missed", terms=", ".join(grade.missed)))
              if grade.missed and grade.verdict != "right" else None)
    return h("div", {"class": f"feedback verdict-{grade.verdict}", "data-question": question.id,
                     "data-verdict": grade.verdict},
             h("p", {"class": "stem"}, inline(question.stem)),
             h("p", {"class": "verdict", "role": "status"}, t(lang, f"quiz_{grade.verdict}")),
             chosen,
             h("p", {"class": "answer"},
               _words_with(lang, "quiz_answer_is", "answer", inline(question.answer))),
             missed,
             h("figure", {"class": "source"},
               h("figcaption", None, t(lang, "quiz_source")),
               h("blockquote", None, inline(question.source))),
             h("button", {"type": "button", "class": "next", "data-action": "quiz-next"},
               t(lang, "quiz_finish" if last else "quiz_next")))


def model_status(run: ModelRun, lang: str) -> Markup | None:
    if run.state == "idle":
        return None
    if run.state == "done":
        words = t(lang, "quiz_model_done", asked=run.asked, verified=run.verified, rekeyed=run.rekeyed,
                  dropped=run.dropped, seconds=run.seconds)
    elif run.state == "failed":
        words = t(lang, "quiz_model_failed", error=run.error)
    else:
        words = t(lang, f"quiz_model_{run.state}")
    return Markup(words)


def run_data(run: ModelRun) -> dict[str, str]:
    """The model's turn as data attributes (read by bench/quiz_model.py)."""
    if run.state == "idle":
        return {}
    return {"data-state": run.state, "data-asked": str(run.asked), "data-parsed": str(run.parsed),
            "data-verified": str(run.verified), "data-rekeyed": str(run.rekeyed),
            "data-dropped": str(run.dropped), "data-cut": str(run.cut), "data-seconds": str(run.seconds),
            "data-why": " | ".join(run.why)}


def model_line(run: ModelRun, lang: str) -> Markup:
    """``#quiz-model-status``: the model's turn in words, and as data."""
    return h("p", {"class": "model-status", "id": "quiz-model-status", "role": "status", **run_data(run)},
             model_status(run, lang))


def count(session: QuizSession, lang: str) -> str:
    return t(lang, "quiz_progress", n=min(session.index + 1, len(session.questions)),
             total=len(session.questions))


def result(session: QuizSession, lang: str) -> Markup:
    total = len(session.feedback)
    if session.mode == "review":
        return h("div", {"class": "quiz-result"},
                 h("p", {"class": "score", "role": "status"},
                   t(lang, "review_result", right=session.right, total=total)))
    return h("div", {"class": "quiz-result"},
             h("p", {"class": "score", "role": "status"}, t(lang, "quiz_result", right=session.right,
                                                            total=total)),
             h("button", {"type": "button", "data-action": "quiz-start", "data-topic": session.topic},
               t(lang, "quiz_again")))


def stage(session: QuizSession, shown: Stage, lang: str) -> Markup:
    """The session's current step, inside ``#quiz-stage`` (focused after each step)."""
    question = session.current
    if question is None:
        body: Markup = result(session, lang)
    elif question.id in session.feedback:
        body = feedback(session.feedback[question.id], session.index + 1 >= len(session.questions), lang)
    else:
        body = question_form(session, lang)
    origin = (h("p", {"class": "review-from"}, t(lang, "review_from", title=shown.title_of(question.topic)))
              if question is not None and session.mode == "review" else None)
    offer = (h("button", {"type": "button", "class": "ask-model", "data-action": "quiz-model"},
               t(lang, "quiz_model"))
             if shown.model_offer and session.mode == "topic" and session.model.state == "idle" else None)
    # A topic's quiz is kept across reloads until it ends: stopping it is how it is dropped.
    stop = (h("button", {"type": "button", "class": "quiz-stop", "data-action": "quiz-stop"},
              t(lang, "quiz_stop"))
            if session.mode == "topic" and not session.finished else None)
    return h("div", {"id": "quiz-stage", "class": "quiz-stage", "tabindex": "-1",
                     "data-mode": session.mode, "data-index": str(session.index),
                     "data-finished": "true" if session.finished else "false"},
             h("p", {"class": "count", "id": "quiz-count"}, count(session, lang)) if question else None,
             origin, body,
             h("p", {"class": "notice", "role": "alert"}, shown.message) if shown.message else None,
             model_line(session.model, lang),
             offer, stop)


def recent_line(right: int, answered: int, lang: str) -> Markup | None:
    if not answered:
        return None
    return h("p", {"class": "quiz-last"}, t(lang, "quiz_last", n=answered, right=right))


def topic_block(topic_id: str, title: str, mastery: Mastery, recent: tuple[int, int],
                session: QuizSession | None, shown: Stage, lang: str) -> Markup:
    """The quiz block under topic ``topic_id``'s text: its mastery and last answers, and
    the running ``session`` (one of this topic's) or the button that starts one."""
    running = session is not None and session.mode == "topic" and session.topic == topic_id
    if running and session is not None:
        body = stage(session, shown, lang)
    else:
        body = h("div", None,
                 h("button", {"type": "button", "class": "quiz-start", "id": START_ID,
                              "data-action": "quiz-start", "data-topic": topic_id}, t(lang, "quiz_start")),
                 h("p", {"class": "notice", "role": "alert"}, shown.message) if shown.message else None)
    return h("section", {"class": "quiz", "id": "quiz", "data-topic": topic_id,
                         "aria-labelledby": "quiz-heading"},
             h("h2", {"id": "quiz-heading"}, t(lang, "quiz_title", title=title)),
             h("p", {"class": "quiz-mastery"}, mastery_badge(mastery, lang)),
             recent_line(*recent, lang),
             body)


def local_date(moment: dt.datetime, utc_offset_minutes: int) -> str:
    return (moment + dt.timedelta(minutes=utc_offset_minutes)).date().isoformat()


def review_page(session: QuizSession | None, due: int, has_cards: bool, next_due: str,
                shown: Stage, lang: str) -> Markup:
    """``#/review``: the due cards' session, or why there is nothing to review (and when
    the next card falls due)."""
    later = h("p", {"class": "next-due"}, t(lang, "review_next", date=next_due)) if next_due else None
    if session is not None and session.questions:
        body: list[Markup | None] = [h("p", {"class": "due"}, t(lang, "review_due", n=due)),
                                     stage(session, shown, lang), later if session.finished else None]
    elif has_cards:
        body = [h("p", {"class": "nothing-due"}, t(lang, "review_nothing")), later]
    else:
        body = [h("p", {"class": "nothing-due"}, t(lang, "review_none_yet"))]
    return h("section", {"class": "review", "data-view": "review"}, h("h1", None, t(lang, "review")), body)
