"""The tutor's conversations: one per place the learner asks from, and their rules.

An ``Exchange`` is one question and its answer; its ``status`` moves through
``STATUSES`` and ends in one of ``FINAL``. ``History`` keeps the exchanges per
``Scope`` and says what a new question inherits from the one before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from app.core.tutor.answer import Answer
from app.core.tutor.intent import Intent
from app.core.tutor.prompt import Turn
from app.core.tutor.retrieval import Hit

Status = Literal["retrieving", "waiting", "generating", "done", "stopped", "passages", "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)
# An exchange in one of these is over: nothing more will change it.
FINAL: frozenset[Status] = frozenset({"done", "stopped", "passages", "failed"})


@dataclass(frozen=True)
class Scope:
    """Where the learner asks from: a topic page, a roadmap page, or the whole library."""

    roadmap: str | None = None
    topic: str | None = None

    @property
    def key(self) -> str:
        return self.topic or self.roadmap or "library"


@dataclass
class Exchange:
    """One question and its answer, updated while the answer streams."""

    question: str
    lang: str
    status: Status = "retrieving"
    intent: Intent = "explain"
    hits: list[Hit] = field(default_factory=list)
    text: str = ""
    answer: Answer | None = None
    error: str = ""
    # An exercise request met for the first time: the UI shows a hint and keeps the
    # model's full answer folded until the learner opens it.
    hint_first: bool = False

    @property
    def finished(self) -> bool:
        return self.status in FINAL


def follow_up_query(question: str, previous: Sequence[Turn]) -> str:
    """The text to retrieve with: the question, plus the previous one of its conversation.

    A follow-up ("and while loops?", "show me the solution") carries little content of
    its own, so the earlier question keeps retrieval on the same material.
    """
    return f"{question} {previous[-1].question}" if previous else question


def wants_hint_first(intent: Intent, previous: Sequence[Turn]) -> bool:
    """An exercise request gets a hint first, unless the turn before already was one."""
    return intent == "solve" and not (previous and previous[-1].intent == "solve")


class History:
    """Every conversation of a visit, keyed by ``Scope.key``."""

    def __init__(self) -> None:
        self._by_scope: dict[str, list[Exchange]] = {}

    def conversation(self, scope: Scope) -> list[Exchange]:
        """The scope's exchanges, oldest first (the list the UI renders)."""
        return self._by_scope.setdefault(scope.key, [])

    def turns(self, scope: Scope) -> list[Turn]:
        """The scope's answered exchanges as prompt turns."""
        return [Turn(e.question, e.text, e.intent) for e in self.conversation(scope)
                if e.status == "done"]

    def begin(self, question: str, scope: Scope, lang: str) -> tuple[Exchange, list[Turn]]:
        """Add a new exchange for ``question``; return it and the turns before it."""
        previous = self.turns(scope)
        exchange = Exchange(question=question.strip(), lang=lang)
        self.conversation(scope).append(exchange)
        return exchange, previous
