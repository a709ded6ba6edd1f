"""A topic's quiz in progress, as the device keeps it between visits.

While a learner is in the middle of a topic's quiz, its state is one record in the
device store (``meta/quiz``, written by ``app.services.study.StudyRecord``): the topic,
its language, the questions in order (each in full, as a card keeps it, so the quiz
comes back the same even if the library changed), the trail of each, which question is
on screen, and the grade of each answered one. A reload reads it back and the learner
is where they were: the answered questions' feedback, the current question. Finishing
the quiz, stopping it, or starting another one replaces or clears it.

``read`` checks a record as strictly as an import does (a damaged one is dropped, never
half-shown): it raises SavedQuizError (a ValueError) naming the field and the problem.

>>> saved = SavedQuiz("git.add", "en", (question,), {question.id: "git"}, 0, {})  # doctest: +SKIP
>>> read(saved.to_record()) == saved                                              # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

from app.core.learner.grading import Grade, Verdict
from app.core.learner.quiz import Question

KEY = "quiz"  # the meta key
VERDICTS: tuple[str, ...] = get_args(Verdict)
# A quiz is six questions, a few more with the model's; this bounds a damaged record.
MAX_QUESTIONS = 50


class SavedQuizError(ValueError):
    """A saved quiz that cannot be read back; ``field`` is the record's field at fault
    (``topic``, ``questions``, ``index``, ``roadmaps``, ``answered``), the message why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def grade_record(grade: Grade) -> dict[str, Any]:
    return {"verdict": grade.verdict, "score": grade.score, "named": list(grade.named),
            "missed": list(grade.missed), "chosen": grade.chosen}


def read_grade(record: Any) -> Grade:
    """The grade kept as ``record``; raise ValueError if it is not one."""
    if not isinstance(record, Mapping):
        raise ValueError(f"a grade must be an object, not {type(record).__name__}")
    verdict = record.get("verdict")
    if verdict not in VERDICTS:
        raise ValueError(f"verdict {verdict!r:.30} is not one of: {', '.join(VERDICTS)}")
    score = record.get("score")
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise ValueError(f"score {score!r:.30} is not a number from 0 to 1")
    chosen = record.get("chosen", -1)
    if isinstance(chosen, bool) or not isinstance(chosen, int):
        raise ValueError(f"chosen {chosen!r:.30} is not a whole number")
    terms = []
    for name in ("named", "missed"):
        value = record.get(name, [])
        if not isinstance(value, list) or not all(isinstance(term, str) for term in value):
            raise ValueError(f"{name} must be a list of terms")
        terms.append(tuple(value))
    return Grade(verdict, float(score), terms[0], terms[1], chosen)


@dataclass(frozen=True)
class SavedQuiz:
    """What a reload needs to bring a topic's quiz back."""

    topic: str
    lang: str
    questions: tuple[Question, ...]
    roadmaps: Mapping[str, str]
    index: int
    answered: Mapping[str, Grade]  # question id → its grade

    def to_record(self) -> dict[str, Any]:
        return {"topic": self.topic, "lang": self.lang,
                "questions": [q.to_record() for q in self.questions],
                "roadmaps": dict(self.roadmaps), "index": self.index,
                "answered": {qid: grade_record(grade) for qid, grade in self.answered.items()}}


def read(record: Any) -> SavedQuiz:
    """The quiz kept as ``record``; raise ValueError naming what is wrong with it."""
    if not isinstance(record, Mapping):
        raise SavedQuizError("quiz", f"a saved quiz must be an object, not {type(record).__name__}")
    topic, lang = record.get("topic"), record.get("lang")
    if not isinstance(topic, str) or not topic or not isinstance(lang, str) or not lang:
        raise SavedQuizError("topic", "a saved quiz needs its topic and language")
    raw = record.get("questions")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_QUESTIONS:
        raise SavedQuizError("questions", f"a saved quiz needs 1 to {MAX_QUESTIONS} questions")
    try:
        questions = tuple(Question.from_record(q) if isinstance(q, Mapping) else _not_question(q)
                          for q in raw)
    except SavedQuizError:
        raise
    except ValueError as error:
        raise SavedQuizError("questions", str(error)) from None
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise SavedQuizError("questions", "a saved quiz holds the same question twice")
    strays = [q.id for q in questions if q.topic != topic]
    if strays:
        raise SavedQuizError("questions", f"question {strays[0]} is not about the quiz's topic {topic}")
    index = record.get("index")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index <= len(questions):
        raise SavedQuizError("index", f"index {index!r:.30} is not a question of the quiz "
                                      f"(0 to {len(questions)})")
    roadmaps = record.get("roadmaps", {})
    if not isinstance(roadmaps, Mapping) or not all(isinstance(v, str) for v in roadmaps.values()):
        raise SavedQuizError("roadmaps", "roadmaps must map question ids to trail ids")
    answered_raw = record.get("answered", {})
    if not isinstance(answered_raw, Mapping):
        raise SavedQuizError("answered", "answered must map question ids to grades")
    answered: dict[str, Grade] = {}
    for qid, grade in answered_raw.items():
        if qid not in ids:
            raise SavedQuizError("answered", f"answered question {qid!r:.60} is not one of the quiz")
        try:
            answered[qid] = read_grade(grade)
        except ValueError as error:
            raise SavedQuizError("answered", f"the grade of {qid}: {error}") from None
    later = [qid for qid in answered if ids.index(qid) > index]
    if later:
        raise SavedQuizError("answered", f"question {later[0]} is answered but not reached yet "
                                         f"(index {index})")
    return SavedQuiz(topic, lang, questions, {q: str(roadmaps.get(q, "")) for q in ids}, index, answered)


def _not_question(value: object) -> Question:
    raise SavedQuizError("questions", f"a question must be an object, not {type(value).__name__}")
