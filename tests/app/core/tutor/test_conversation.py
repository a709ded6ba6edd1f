from __future__ import annotations

from app.core.tutor.conversation import (
    FINAL,
    STATUSES,
    Exchange,
    History,
    Scope,
    follows_up,
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


def test_only_real_follow_ups_lean_on_the_previous_question() -> None:
    for short_or_pointing_back in ("And while loops?", "What about dictionaries?", "Покажи пример",
                                   "А как выбросить своё?", "Can you show it with a dict?"):
        assert follows_up(short_or_pointing_back, 0.70), short_or_pointing_back
    unrelated = "How do I make git ignore my build folder?"
    assert not follows_up(unrelated, 0.80)
    assert not follows_up("Что это такое — SQL-инъекция и как от неё защититься?", 0.80)
    assert follows_up(unrelated, 0.96)  # nearly the previous question again
    # Unrelated questions on one trail reach 0.91 (bench/tutor_quality.py): not a follow-up.
    assert not follows_up(unrelated, 0.91)
    # A pronoun inside a long question points inside it, not back.
    assert not follows_up("How do I create a new branch and switch to it in one command?", 0.83)
    assert not follows_up("How do I set the name and email that appear on my commits?", 0.88)


def test_a_hint_comes_first_once_per_exercise() -> None:
    assert wants_hint_first("solve", [])
    assert not wants_hint_first("solve", [Turn("solve it", "hint", "solve")])
    assert wants_hint_first("solve", [Turn("what is x", "x is", "explain")])
    assert not wants_hint_first("explain", [])


def test_final_statuses_are_statuses_and_the_start_is_not_final() -> None:
    assert set(STATUSES) > FINAL
    assert not Exchange("q", "en").finished
    assert Exchange("q", "en", status="passages").finished
