"""Grading an answer: multiple choice exactly, open answers against the source.

An open answer is compared with the question's reference sentence two ways: the
embedder's cosine similarity (when it is loaded) and the share of the key terms the
answer names. Either alone misleads (a right answer in other words has few key terms; a
list of the key terms with nothing said is not an answer), so both count.

>>> grade_choice(question, 2).correct                  # doctest: +SKIP
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.core.learner import sentences as text
from app.core.learner.quiz import Question

Verdict = Literal["right", "partly", "wrong"]
# FSRS ratings (fsrs.Rating values): how well the learner recalled it.
AGAIN, HARD, GOOD = 1, 2, 3
RATING: dict[Verdict, int] = {"right": GOOD, "partly": HARD, "wrong": AGAIN}

# Open answers: a score (0..1) from RIGHT up is right, from PARTLY up partly right.
RIGHT, PARTLY = 0.6, 0.35
# e5 cosine between an answer and its reference: below SIM_LOW says nothing, SIM_HIGH is
# a paraphrase (measured on e5-small: unrelated sentences score about 0.75-0.8).
SIM_LOW, SIM_HIGH = 0.80, 0.91
MIN_ANSWER_WORDS = 2


@dataclass(frozen=True)
class Grade:
    """The verdict, a score 0..1, the FSRS rating it gives, and the key terms the
    answer named and missed (open questions)."""

    verdict: Verdict
    score: float
    named: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    chosen: int = -1

    @property
    def correct(self) -> bool:
        return self.verdict == "right"

    @property
    def rating(self) -> int:
        return RATING[self.verdict]


def grade_choice(question: Question, chosen: int) -> Grade:
    """Right exactly when ``chosen`` is the key; raise ValueError for no such option."""
    if not question.is_choice:
        raise ValueError(f"question {question.id} is open: it has no options to choose")
    if not 0 <= chosen < len(question.options):
        raise ValueError(f"option {chosen + 1} does not exist; choose 1 to {len(question.options)}")
    right = chosen == question.key
    return Grade("right" if right else "wrong", 1.0 if right else 0.0, chosen=chosen)


def term_recall(answer: str, terms: tuple[str, ...], lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The key terms ``answer`` names (by word stems) and those it misses."""
    answer_stems = text.stems(answer, lang)
    named = tuple(term for term in terms
                  if text.stems(term, lang) and text.stems(term, lang) <= answer_stems)
    return named, tuple(term for term in terms if term not in named)


def grade_open(question: Question, answer: str, similarity: float | None = None) -> Grade:
    """Grade a free answer; ``similarity`` is the embedder's cosine between the answer and
    the reference (None when the embedder is not loaded: then words alone decide)."""
    if question.is_choice:
        raise ValueError(f"question {question.id} is multiple choice: choose an option")
    lang = question.lang
    if len(text.words(answer)) < MIN_ANSWER_WORDS:
        return Grade("wrong", 0.0, (), question.terms)
    named, missed = term_recall(answer, question.terms, lang)
    terms_part = len(named) / len(question.terms) if question.terms else 0.0
    overlap = text.recall(question.answer, answer, lang)
    if similarity is None:
        score = 0.5 * terms_part + 0.5 * overlap
    else:
        meaning = min(1.0, max(0.0, (similarity - SIM_LOW) / (SIM_HIGH - SIM_LOW)))
        score = 0.5 * meaning + 0.3 * terms_part + 0.2 * overlap
    verdict: Verdict = "right" if score >= RIGHT else "partly" if score >= PARTLY else "wrong"
    return Grade(verdict, round(score, 3), named, missed)
