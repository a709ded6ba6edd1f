"""The tutor's conversations: one per place the learner asks from, and their rules.

An ``Exchange`` is one question and its answer; its ``status`` moves through
``STATUSES`` and ends in one of ``FINAL``. ``History`` keeps the exchanges per
``Scope`` and says what a new question inherits from the one before it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from app.core.tutor.answer import Answer, Citation
from app.core.tutor.intent import INTENTS, Intent
from app.core.tutor.prompt import Turn
from app.core.tutor.retrieval import Hit, Passage

# "uncovered": the library holds nothing that answers the question, so nothing was generated.
Status = Literal["retrieving", "waiting", "generating", "done", "stopped", "passages", "uncovered",
                 "failed"]
STATUSES: tuple[Status, ...] = get_args(Status)
# An exchange in one of these is over: nothing more will change it.
FINAL: frozenset[Status] = frozenset({"done", "stopped", "passages", "uncovered", "failed"})


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


# A question this short, or opening like these, leans on the one before it.
FOLLOW_UP_WORDS = 3
FOLLOW_UP_OPENINGS = ("and ", "also ", "what about ", "how about ", "then ", "but ", "so ",
                      "а ", "и ", "ещё ", "еще ", "тогда ", "но ", "а если ", "то есть ")
# Not "это" or "there": "что это такое?", "is there a way…" open new questions too.
ANAPHORA = frozenset({"it", "this", "that", "them", "these", "those", "its",
                      "он", "она", "оно", "они", "его", "её", "ее", "их", "этот", "эта",
                      "эту", "этого", "этом", "этим", "там", "тут"})
# A pronoun points back only in a short question ("show me it", "покажи его пример"); in a
# long one it points inside it ("create a branch and switch to it in one command").
ANAPHORA_WORDS = 7
# Query cosine (e5-small) above which a question counts as the previous one again. Not a
# test of a follow-up: bench/tutor_quality.py's consecutive unrelated questions on one trail
# reach 0.91 (real follow-ups 0.83-0.89), and the old floor of 0.85 made 32 of 89 questions
# drag in the previous topic; only a near-repeat passes this.
FOLLOW_UP_SIMILARITY = 0.95


def follows_up(question: str, similarity: float) -> bool:
    """Whether ``question`` continues the previous one: short ("and while loops?"),
    opening like a follow-up ("а как выбросить своё?"), a short question pointing back
    ("show me it"), or nearly the previous question again (``similarity``, the cosine of
    their query vectors).

    Only a follow-up retrieves with the previous question and shows it to the model: an
    unrelated new question must not drag in the previous topic's passages.
    """
    text = " ".join(question.lower().split())
    words = re.findall(r"\w+", text)
    return (len(words) <= FOLLOW_UP_WORDS or text.startswith(FOLLOW_UP_OPENINGS)
            or (len(words) <= ANAPHORA_WORDS and not ANAPHORA.isdisjoint(words))
            or similarity >= FOLLOW_UP_SIMILARITY)


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

    def restore(self, key: str, exchanges: list[Exchange]) -> None:
        """Put back the conversation saved under ``key`` (``Scope.key``), before anything
        new is asked there."""
        self._by_scope[key] = exchanges + self._by_scope.get(key, [])

    def clear(self) -> None:
        """Forget every conversation (before restoring them again from the device)."""
        self._by_scope.clear()

    def keys(self) -> list[str]:
        return list(self._by_scope)

    def saved(self, key: str) -> list[dict[str, Any]]:
        """The finished exchanges under ``key`` as records to store."""
        return [to_record(e) for e in self._by_scope.get(key, []) if e.finished]


def to_record(exchange: Exchange) -> dict[str, Any]:
    """A finished exchange as JSON-ready data (what the device store keeps)."""
    answer = exchange.answer
    return {
        "question": exchange.question, "lang": exchange.lang, "status": exchange.status,
        "intent": exchange.intent, "text": exchange.text, "error": exchange.error,
        "hint_first": exchange.hint_first,
        "hits": [{"topic": h.passage.topic, "lang": h.passage.lang, "roadmap": h.passage.roadmap,
                  "title": h.passage.title, "text": h.passage.text, "score": h.score}
                 for h in exchange.hits],
        "answer": None if answer is None else {
            "text": answer.text, "cited_by_model": answer.cited_by_model,
            "citations": [{"number": c.number, "topic": c.topic, "title": c.title} for c in answer.citations],
        },
    }


def from_record(record: Mapping[str, Any]) -> Exchange:
    """The exchange ``to_record`` saved; raise ValueError on a malformed record. Passages
    come back without their row (the library may have been rebuilt since)."""
    try:
        status, intent = record["status"], record["intent"]
        if status not in FINAL or intent not in INTENTS:
            raise ValueError(f"status {status!r} / intent {intent!r}")
        raw_answer = record["answer"]
        answer = None if raw_answer is None else Answer(
            str(raw_answer["text"]),
            tuple(Citation(int(c["number"]), str(c["topic"]), str(c["title"]))
                  for c in raw_answer["citations"]),
            bool(raw_answer["cited_by_model"]))
        hits = [Hit(Passage(-1, str(h["topic"]), str(h["lang"]), str(h["roadmap"]), str(h["title"]),
                            str(h["text"])), float(h["score"])) for h in record["hits"]]
        return Exchange(question=str(record["question"]), lang=str(record["lang"]), status=status,
                        intent=intent, hits=hits, text=str(record["text"]), answer=answer,
                        error=str(record["error"]), hint_first=bool(record["hint_first"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"a saved exchange is malformed: {error}") from None
