"""The learner's short profile: their goal, the topics they know, the ones they struggle
with. Built from what they said (goal, progress marks) and what quizzes showed (mastery).

It serves two readers: quiz choice (``order_questions`` asks first what went wrong
before, then new questions on the terms missed; the review asks weak topics first) and
the tutor's prompt (``tutor_note``, one short paragraph that opens the user turn, so
that the tutor builds on what the learner knows and revisits weak topics; the system
message stays the same for everyone, for the worker's KV cache of it).

>>> profile = LearnerProfile("get a job as a data analyst", ("sql.select",), ("sql.joins",))
>>> tutor_note(profile, {"sql.select": "SELECT", "sql.joins": "Joins"}.get, "en")
"The learner's goal: get a job as a data analyst. They struggle with: Joins. They know: SELECT."
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.core.learner.mastery import Mastery
from app.core.learner.progress import Progress
from app.core.learner.quiz import Question

MAX_GOAL = 200
MAX_LISTED = 5

NOTE = {
    "en": {"goal": "The learner's goal: {goal}.", "known": "They know: {topics}.",
           "weak": "They struggle with: {topics}."},
    "ru": {"goal": "Цель ученика: {goal}.", "known": "Уже знает: {topics}.",
           "weak": "Затрудняется с темами: {topics}."},
}


@dataclass(frozen=True)
class LearnerProfile:
    goal: str = ""
    known: tuple[str, ...] = ()  # topic ids, most certain first
    weak: tuple[str, ...] = ()  # topic ids, weakest first


def clean_goal(goal: str) -> str:
    """The goal as kept: one line, at most MAX_GOAL characters; raise ValueError if longer."""
    line = " ".join(goal.split())
    if len(line) > MAX_GOAL:
        raise ValueError(f"the goal is {len(line)} characters long; keep it to {MAX_GOAL}")
    return line


def build_profile(goal: str, progress: Progress, masteries: Mapping[str, Mastery]) -> LearnerProfile:
    """Known: topics marked done or skipped and not weak in quizzes, plus topics strong in
    quizzes; weak: topics whose quizzes went badly, weakest first."""
    weak = sorted((t for t, m in masteries.items() if m.level == "weak"), key=lambda t: masteries[t].score)
    strong = sorted((t for t, m in masteries.items() if m.level == "strong"),
                    key=lambda t: -masteries[t].score)
    marked = sorted((t for t in progress.marks if progress.finished(t) and t not in weak),
                    key=lambda t: -progress.marks[t].at_ms)
    known = list(dict.fromkeys([*strong, *marked]))
    return LearnerProfile(goal, tuple(known), tuple(weak))


def tutor_note(profile: LearnerProfile, title_of: Callable[[str], str | None], lang: str,
               listed: int = MAX_LISTED) -> str:
    """One short paragraph for the tutor's prompt ("" when there is nothing to say): the
    goal, the weak topics, then the known ones (a prompt cut short keeps the weak ones).

    ``title_of(topic_id)`` gives a topic's title in ``lang`` (None for an unknown id);
    at most ``listed`` topics are named per list, to keep the prompt short.
    """
    words = NOTE.get(lang, NOTE["en"])

    def titles(ids: Sequence[str]) -> str:
        named = [title for title in (title_of(t) for t in ids) if title]
        return ", ".join(named[:listed])

    parts = []
    if profile.goal:
        parts.append(words["goal"].format(goal=profile.goal.rstrip(".")))
    if weak := titles(profile.weak):
        parts.append(words["weak"].format(topics=weak))
    if known := titles(profile.known):
        parts.append(words["known"].format(topics=known))
    return " ".join(parts)


MISSED = ("wrong", "partly")


def missed_terms(answered: Iterable[tuple[Question, str]]) -> frozenset[str]:
    """The terms the learner missed: the answers and key terms (lower case) of the
    questions whose last verdict (the pair's second item) was wrong or partly right."""
    return frozenset(term.strip().lower() for question, verdict in answered if verdict in MISSED
                     for term in (question.answer, *question.terms) if term.strip())


def on_terms(question: Question, terms: frozenset[str]) -> bool:
    """Whether ``question`` asks about one of ``terms`` (its answer or a key term)."""
    return any(term.strip().lower() in terms for term in (question.answer, *question.terms))


def order_questions(questions: Sequence[Question], last_verdicts: Mapping[str, str],
                    not_due: frozenset[str] = frozenset(),
                    missed_terms: frozenset[str] = frozenset()) -> list[Question]:
    """Quiz choice: questions answered wrong (or partly) before come first, then new ones
    on a term the learner missed elsewhere (``missed_terms``), then other new ones, then
    those answered right; within each, a mix of kinds in text order. ``not_due`` are
    questions whose cards are scheduled later: they go last."""

    def rank(indexed: tuple[int, Question]) -> tuple[int, int, int]:
        index, question = indexed
        verdict = last_verdicts.get(question.id)
        if verdict in MISSED:
            group = 0
        elif verdict is None:
            group = 1 if on_terms(question, missed_terms) else 2
        else:
            group = 3
        if question.id in not_due and group > 0:
            group = 4
        return group, kind_turn[index], index

    # Alternate kinds: the n-th question of a kind gets turn n, so kinds interleave.
    seen: dict[str, int] = {}
    kind_turn = []
    for question in questions:
        kind_turn.append(seen.get(question.kind, 0))
        seen[question.kind] = seen.get(question.kind, 0) + 1
    return [q for _, q in sorted(enumerate(questions), key=rank)]
