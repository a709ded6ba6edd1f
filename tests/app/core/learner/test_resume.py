"""The saved quiz in progress: a record reads back the same, and a damaged one is
refused with the problem named (it is then dropped, never half-shown)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.learner.grading import Grade
from app.core.learner.quiz import Question
from app.core.learner.resume import SavedQuiz, read


def question(n: int, topic: str = "git.add") -> Question:
    return Question(f"{topic}:{n:012d}", topic, "en", "cloze", f"Fill in the blank {n}: _____ stages.",
                    ("git add", "git push", "git log", "git tag"), 0, "git add", "`git add` stages.",
                    "`git add` stages.")


def saved() -> SavedQuiz:
    first, second, third = question(1), question(2), question(3)
    return SavedQuiz("git.add", "en", (first, second, third), {q.id: "git" for q in (first, second, third)},
                     1, {first.id: Grade("right", 1.0, chosen=0),
                         second.id: Grade("wrong", 0.0, (), ("add",), 2)})


def test_a_saved_quiz_reads_back_the_same() -> None:
    quiz = saved()
    assert read(quiz.to_record()) == quiz
    assert read(quiz.to_record()).answered[question(2).id].missed == ("add",)


def broken(**changes: Any) -> dict[str, Any]:
    record = saved().to_record()
    record.update(changes)
    return record


@pytest.mark.parametrize(("record", "named"), [
    ("not a quiz", "must be an object"),
    (broken(topic=""), "topic and language"),
    (broken(questions=[]), "1 to 50 questions"),
    (broken(questions=["x"]), "a question must be an object"),
    (broken(questions=[{"id": "q"}]), "not a quiz question"),
    (broken(questions=[question(1).to_record(), question(1).to_record()]), "the same question twice"),
    (broken(questions=[question(1, "git.log").to_record()]), "not about the quiz's topic git.add"),
    (broken(index=9), "index 9 is not a question of the quiz"),
    (broken(index=True), "index True"),
    (broken(answered={"git.add:nope": {"verdict": "right", "score": 1}}), "is not one of the quiz"),
    (broken(answered={question(1).id: {"verdict": "great", "score": 1}}), "verdict 'great'"),
    (broken(answered={question(1).id: {"verdict": "right", "score": 7}}), "score 7"),
    (broken(answered={question(1).id: {"verdict": "right", "score": 1, "missed": "add"}}), "missed must be"),
    (broken(index=0), "answered but not reached yet"),
    (broken(roadmaps={"x": 3}), "roadmaps must map"),
])
def test_a_damaged_saved_quiz_is_refused_naming_the_problem(record: Any, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace("(", r"\(").replace(")", r"\)")):
        read(record)
