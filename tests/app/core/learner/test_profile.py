"""The learner profile: goal, known and weak topics, the tutor's note, quiz order."""

from __future__ import annotations

import pytest

from app.core.learner.mastery import Mastery
from app.core.learner.profile import (
    LearnerProfile,
    build_profile,
    clean_goal,
    missed_terms,
    order_questions,
    tutor_note,
)
from app.core.learner.progress import Mark, Progress
from app.core.learner.quiz import Question

TITLES = {"sql.select": "SELECT", "sql.joins": "Joins", "sql.views": "Views"}


def test_known_and_weak_come_from_marks_and_quizzes() -> None:
    progress = Progress({"sql.select": Mark("done", 2), "sql.joins": Mark("done", 1)})
    masteries = {"sql.joins": Mastery("weak", 0.2, 3), "sql.views": Mastery("strong", 0.9, 4)}
    profile = build_profile("pass the SQL interview", progress, masteries)
    assert profile.known == ("sql.views", "sql.select")  # joins is marked done but failed its quiz
    assert profile.weak == ("sql.joins",)


def test_the_tutor_note_names_goal_known_and_weak_topics_in_the_learners_language() -> None:
    profile = LearnerProfile("pass the SQL interview", ("sql.select",), ("sql.joins", "sql.unknown"))
    # Weak before known: a prompt cut short keeps what the tutor should revisit.
    assert tutor_note(profile, TITLES.get, "en") == (
        "The learner's goal: pass the SQL interview. They struggle with: Joins. They know: SELECT.")
    many = LearnerProfile("", ("sql.select", "sql.views"), ("sql.joins", "sql.views"))
    assert tutor_note(many, TITLES.get, "en", listed=1) == "They struggle with: Joins. They know: SELECT."
    assert tutor_note(profile, TITLES.get, "ru").startswith("Цель ученика: pass the SQL interview.")
    assert tutor_note(LearnerProfile(), TITLES.get, "en") == ""


def test_a_goal_is_one_short_line() -> None:
    assert clean_goal("  learn\n git  ") == "learn git"
    with pytest.raises(ValueError, match="keep it to 200"):
        clean_goal("x" * 201)


def q(name: str, kind: str = "cloze") -> Question:
    return Question(f"t:{name}", "t", "en", kind, name, ("a", "b", "c"), 0, "a", "", "")  # type: ignore[arg-type]


def test_quiz_choice_asks_first_what_went_wrong_and_last_what_is_not_due() -> None:
    questions = [q("a"), q("b"), q("c", "definition"), q("d"), q("e")]
    ordered = order_questions(questions, {"t:d": "wrong", "t:a": "right", "t:e": "right"}, frozenset({"t:e"}))
    assert [x.stem for x in ordered] == ["d", "c", "b", "a", "e"]  # kinds interleave among new ones


def test_quiz_choice_interleaves_kinds() -> None:
    ordered = order_questions([q("a"), q("b"), q("c", "open")], {})
    assert [x.kind for x in ordered] == ["cloze", "open", "cloze"]


def test_quiz_choice_asks_a_new_question_on_a_missed_term_before_other_new_ones() -> None:
    questions = [q("a"), q("b"), q("c")]
    on_term = Question("t:x", "t", "en", "definition", "x", ("Commit", "b"), 0, "commit", "", "")
    ordered = order_questions([*questions, on_term], {"t:a": "wrong"}, missed_terms=frozenset({"commit"}))
    assert [x.stem for x in ordered][:2] == ["a", "x"]


def test_missed_terms_are_the_answers_and_key_terms_of_wrong_cards() -> None:
    wrong = Question("t:w", "t", "en", "open", "w", (), 0, "A staging area", "", "", ("index", "Stage"))
    assert missed_terms([(wrong, "partly"), (q("r"), "right")]) == frozenset(
        {"a staging area", "index", "stage"})
