"""Which kind of reply a learner's message needs: the intent classifier.

No classifier weights exist offline, so intent comes from the embedder: each intent has
a few prototype sentences in English and Russian; their embeddings are averaged into a
centroid, and a message goes to the intent whose centroid it is closest to.

- ``explain``: a question about the material → retrieve passages, generate an answer.
- ``solve``: asks for an exercise's answer → retrieve, and give a hint before a solution.
- ``plan``: asks for a study plan → generate from the roadmap's topic list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from app.core.tutor.lexical import terms
from app.core.tutor.vectors import centroid, dot

Intent = Literal["explain", "solve", "plan"]

PROTOTYPES: dict[Intent, tuple[str, ...]] = {
    "explain": (
        "What is a list comprehension?",
        "How does a left join work?",
        "Why would I use a virtual environment?",
        "Explain the difference between merge and rebase.",
        "Что такое генератор списков?",
        "Как работает внешнее соединение?",
        "Объясни, зачем нужны виртуальные окружения.",
    ),
    "solve": (
        "Give me the answer to this exercise.",
        "Just write the code that solves the task for me.",
        "What is the solution to the homework problem?",
        "Solve this exercise: write a function that reverses a string.",
        "Дай готовый ответ на это упражнение.",
        "Напиши за меня решение задачи.",
        "Реши упражнение: напиши функцию, которая переворачивает строку.",
    ),
    "plan": (
        "Make me a study plan to learn SQL in two weeks.",
        "What should I learn next, and in what order?",
        "Build a roadmap for becoming a backend developer.",
        "Составь мне план изучения Git на неделю.",
        "Что мне учить дальше и в каком порядке?",
    ),
}

INTENTS: tuple[Intent, ...] = get_args(Intent)

# How far another intent must be ahead of ``explain`` (e5-small cosines to the centroids,
# plus CUE_BONUS). Calibrated with bench/tutor_intents.py on 110 labelled EN and RU requests
# (bench/data/intents.json), every text embedded alone: the centroids alone route 94/110 at
# the old 0.015 (5 of 60 questions sent to a hint or a plan); margin 0.02 with the cue words
# 104/110, 2 of 60 questions misrouted.
MARGIN = 0.02
# Words that ask for a solution or a plan: an intent whose cue is in the message gains this
# (the embedder alone places "what's the answer to exercise 3?" nearer to explain).
CUE_BONUS = 0.03
CUES: dict[Intent, frozenset[str]] = {
    "solve": frozenset(terms(
        "exercise exercises homework solution solve answer task quiz упражнение упражнения "
        "упражнению задача задачу задаче задание решение реши решить домашка домашку ответ")),
    "plan": frozenset(terms(
        "plan schedule roadmap next week month day планирование план расписание дальше "
        "неделю месяц день спланируй")),
}


@dataclass(frozen=True)
class Decision:
    intent: Intent
    scores: Mapping[Intent, float]


class IntentClassifier:
    """Classifies embedded messages into intents by nearest centroid.

    Build it from the prototype embeddings, intent → list of unit vectors.
    """

    def __init__(self, prototype_vectors: Mapping[Intent, Sequence[Sequence[float]]]) -> None:
        missing = [intent for intent in INTENTS if not prototype_vectors.get(intent)]
        if missing:
            raise ValueError(f"no prototype vectors for intent(s): {', '.join(missing)}")
        self.centroids = {i: centroid(prototype_vectors[i]) for i in INTENTS}

    def classify(self, message_vector: Sequence[float], margin: float = MARGIN, *,
                 text: str = "") -> Decision:
        """Nearest intent; another intent must beat ``explain`` by ``margin`` to win, so a
        near tie falls to ``explain``. ``text`` (the message) adds CUE_BONUS to an intent
        whose CUES it holds.

        Explaining from the library is the safe default: a misclassified question still gets
        retrieved passages, while a misclassified plan or hint would not.
        """
        scores = {intent: dot(message_vector, c) for intent, c in self.centroids.items()}
        words = set(terms(text))
        for intent, cues in CUES.items():
            if words & cues:
                scores[intent] += CUE_BONUS
        best = max(scores, key=lambda intent: scores[intent])
        if best != "explain" and scores[best] - scores["explain"] < margin:
            best = "explain"
        return Decision(best, scores)


def prototype_texts() -> list[tuple[Intent, str]]:
    """(intent, sentence) pairs in a fixed order, for embedding in one batch."""
    return [(intent, text) for intent, texts in PROTOTYPES.items() for text in texts]
