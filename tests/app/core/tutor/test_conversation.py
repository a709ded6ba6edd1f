from __future__ import annotations

from app.core.tutor.conversation import (
    FINAL,
    STATUSES,
    Exchange,
    History,
    Scope,
    follow_up_query,
    wants_hint_first,
)
from app.core.tutor.prompt import Turn


def test_conversations_are_kept_per_scope_and_only_answered_turns_carry_over() -> None:
    history = History()
    topic = Scope(roadmap="py", topic="py.a")
    first, previous = history.begin("  What is a loop? ", topic, "en")
    assert first.question == "What is a loop?" and previous == []
    assert history.conversation(topic) == [first]
    assert history.conversation(Scope(roadmap="py")) == []  # another place, another conversation
    first.status, first.text = "failed", ""
    _, previous = history.begin("again", topic, "en")
    assert previous == []  # a failed exchange is not a turn
    first.status, first.text, first.intent = "done", "It repeats.", "solve"
    _, previous = history.begin("and while?", topic, "en")
    assert previous == [Turn("What is a loop?", "It repeats.", "solve")]


def test_follow_ups_retrieve_with_the_previous_question() -> None:
    assert follow_up_query("and while?", [Turn("What is a for loop?", "…")]) == (
        "and while? What is a for loop?")
    assert follow_up_query("What is SQL?", []) == "What is SQL?"


def test_a_hint_comes_first_once_per_exercise() -> None:
    assert wants_hint_first("solve", [])
    assert not wants_hint_first("solve", [Turn("solve it", "hint", "solve")])
    assert wants_hint_first("solve", [Turn("what is x", "x is", "explain")])
    assert not wants_hint_first("explain", [])


def test_final_statuses_are_statuses_and_the_start_is_not_final() -> None:
    assert set(STATUSES) > FINAL
    assert not Exchange("q", "en").finished
    assert Exchange("q", "en", status="passages").finished
