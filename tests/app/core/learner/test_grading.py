"""Grading: multiple choice exactly; open answers by meaning (the embedder's similarity)
and the key terms named, in both languages."""

from __future__ import annotations

import pytest

from app.core.learner.grading import AGAIN, GOOD, HARD, grade_choice, grade_open
from app.core.learner.quiz import Question, key_terms

REFERENCE = "a lightweight, movable name that points at a commit"
OPEN = Question("git.branches:o", "git.branches", "en", "open", "In your own words: what is a branch?", (),
                -1, REFERENCE, "A branch in Git is " + REFERENCE + ".", "", key_terms(REFERENCE, "en"))
CHOICE = Question("git.branches:c", "git.branches", "en", "definition", "Which description matches branch?",
                  ("a tag", REFERENCE, "a remote", "a hook"), 1, REFERENCE, "", "")


def test_choice_is_right_only_on_the_key() -> None:
    assert grade_choice(CHOICE, 1).correct and grade_choice(CHOICE, 1).rating == GOOD
    wrong = grade_choice(CHOICE, 0)
    assert not wrong.correct and wrong.rating == AGAIN and wrong.chosen == 0
    with pytest.raises(ValueError, match="option 5 does not exist"):
        grade_choice(CHOICE, 4)
    with pytest.raises(ValueError, match="is open"):
        grade_choice(OPEN, 0)


def test_open_answer_in_other_words_with_a_close_meaning_is_right() -> None:
    grade = grade_open(OPEN, "It is a movable name pointing to one commit", similarity=0.93)
    assert grade.correct and grade.rating == GOOD
    assert "movable" in grade.named


def test_open_answer_with_the_right_words_but_another_meaning_is_not_right() -> None:
    grade = grade_open(OPEN, "lightweight movable commit", similarity=0.79)
    assert not grade.correct


def test_open_answer_on_something_else_is_wrong_and_says_what_is_missing() -> None:
    grade = grade_open(OPEN, "It uploads photos to the cloud", similarity=0.76)
    assert grade.verdict == "wrong" and grade.rating == AGAIN
    assert set(grade.missed) == set(OPEN.terms)


def test_a_partial_answer_is_partly_right() -> None:
    grade = grade_open(OPEN, "a name for a commit", similarity=0.86)
    assert grade.verdict == "partly" and grade.rating == HARD


def test_without_the_embedder_words_alone_decide() -> None:
    assert grade_open(OPEN, "a lightweight movable name that points at a commit").correct
    assert grade_open(OPEN, "no idea").verdict == "wrong"
    assert grade_open(OPEN, "").verdict == "wrong"


def test_russian_open_answers_match_inflected_words() -> None:
    reference = "именованный блок кода, который можно вызывать многократно"
    question = Question("python.functions:o", "python.functions", "ru", "open",
                        "Своими словами: что такое «Функция»?", (), -1, reference, "", "",
                        key_terms(reference, "ru"))
    assert grade_open(question, "Это именованные блоки кода, их вызывают многократно").correct
    assert grade_open(question, "Это тип данных для чисел").verdict == "wrong"
