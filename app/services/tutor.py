"""The tutor: retrieval-augmented answers from the course library, streamed.

``Tutor.start`` readies retrieval (passages, vectors, embedder, intent router) and
begins loading the generator in the background; ``ask`` shows the retrieved passages at
once, then streams the generated answer with citations. If no generator can load, the
tutor still answers with the passages alone and says why.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core import protocol
from app.core.answer import Answer, cite
from app.core.errors import InferenceError, TropaError
from app.core.library import Library
from app.core.prompt import Turn, build_messages, build_plan_messages
from app.core.retrieval import Hit, Passage, passages_from_json, rank, rows_in_scope
from app.core.router import INTENTS, IntentRouter, prototype_texts
from app.core.settings import Settings
from app.ports import Api, Inference

MAX_NEW_TOKENS = 256
SEARCH_K = 12


@dataclass
class ModelState:
    """What the UI shows about one model: phase, device, dtype, download progress."""

    id: str
    phase: str = "idle"  # idle | loading | ready | failed
    device: str = ""
    dtype: str = ""
    reason: str = ""
    loaded: int = 0
    total: int = 0
    error: str = ""


@dataclass
class Exchange:
    """One question and its answer, updated while the answer streams."""

    question: str
    lang: str
    status: str = "retrieving"  # retrieving | waiting | generating | done | stopped | passages | failed
    intent: str = "explain"
    hits: list[Hit] = field(default_factory=list)
    text: str = ""
    answer: Answer | None = None
    error: str = ""
    # An exercise request met for the first time: the UI shows a hint and keeps the
    # model's full answer folded until the learner opens it.
    hint_first: bool = False


@dataclass(frozen=True)
class Scope:
    """Where the learner asks from: a topic page, a roadmap page, or the whole library."""

    roadmap: str | None = None
    topic: str | None = None

    @property
    def key(self) -> str:
        return self.topic or self.roadmap or "library"


class Tutor:
    def __init__(
        self,
        inference: Inference,
        api: Api,
        library: Library,
        retrieval: dict[str, Any],
        settings: Settings,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.inference = inference
        self.api = api
        self.library = library
        self.retrieval = retrieval
        self.settings = settings
        self.on_change = on_change
        self.embedder = ModelState(str(retrieval["model"]))
        self.generator = ModelState(settings.generator)
        self.probe: dict[str, Any] = {}
        self.passages: list[Passage] = []
        self.router: IntentRouter | None = None
        self.history: dict[str, list[Exchange]] = {}
        self.busy = False
        self._ready: asyncio.Task[None] | None = None
        self._generator_task: asyncio.Task[None] | None = None

    # -- start-up ---------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        """Begin readying retrieval and loading the generator; idempotent."""
        if self._ready is None or (self._ready.done() and self._ready.exception() is not None):
            self._ready = asyncio.ensure_future(self._prepare())
        return self._ready

    async def _prepare(self) -> None:
        hello = await self.inference.hello()
        if sorted(hello.get("handles", [])) != sorted(protocol.REQUESTS):
            raise InferenceError(
                f"the ML worker speaks another protocol: handles {hello.get('handles')}, "
                f"expected {sorted(protocol.REQUESTS)}", "bad-request")
        self.probe = await self.inference.probe(self.settings.force_webgpu)
        self.on_change()
        self._generator_task = asyncio.ensure_future(self._load_generator())
        rows = await self.api.get_json(str(self.retrieval["passages"]))
        self.passages = passages_from_json(rows)
        await self.inference.index(str(self.retrieval["vectors"]), int(self.retrieval["count"]),
                                   int(self.retrieval["dim"]), str(self.retrieval["vectors_sha256"]))
        await self._load(self.embedder, "embedder")
        pairs = prototype_texts()
        vectors = await self.inference.embed(self.embedder.id, [t for _, t in pairs], "query: ")
        grouped: dict[str, list[list[float]]] = {intent: [] for intent in INTENTS}
        for (intent, _), vector in zip(pairs, vectors, strict=True):
            grouped[intent].append(vector)
        self.router = IntentRouter(grouped)

    async def _load(self, state: ModelState, role: str) -> None:
        state.phase = "loading"
        self.on_change()

        def progress(loaded: int, total: int, _file: str) -> None:
            state.loaded, state.total = loaded, total
            self.on_change()

        try:
            result = await self.inference.load(state.id, role, self.settings.force_webgpu, progress)
        except TropaError as error:
            state.phase, state.error = "failed", str(error)
            self.on_change()
            raise
        state.phase = "ready"
        state.device = str(result.get("device", ""))
        state.dtype = str(result.get("dtype", ""))
        state.reason = str(result.get("reason", ""))
        self.on_change()

    async def _load_generator(self) -> None:
        # A generator that cannot load is not fatal: answers fall back to passages.
        with contextlib.suppress(TropaError):
            await self._load(self.generator, "generator")

    # -- asking -------------------------------------------------------------------------
    def conversation(self, scope: Scope) -> list[Exchange]:
        return self.history.setdefault(scope.key, [])

    async def ask(self, question: str, scope: Scope, lang: str) -> Exchange:
        """Answer ``question``; the Exchange is in the scope's history from the start."""
        exchange = Exchange(question=question.strip(), lang=lang)
        turns = self.conversation(scope)
        previous = [Turn(e.question, e.text, e.intent) for e in turns if e.status == "done"]
        turns.append(exchange)
        self.busy = True
        self.on_change()
        try:
            await self._answer(exchange, scope, previous)
        except TropaError as error:
            exchange.status, exchange.error = "failed", str(error)
            if exchange.hits and exchange.answer is None:
                exchange.answer = cite("", exchange.hits)
        finally:
            self.busy = False
            self.on_change()
        return exchange

    async def _answer(self, exchange: Exchange, scope: Scope, previous: list[Turn]) -> None:
        await self.start()
        # A follow-up ("and while loops?", "show me the solution") carries little content
        # of its own: retrieve with the previous question of this conversation too.
        query = f"{exchange.question} {previous[-1].question}" if previous else exchange.question
        vector = (await self.inference.embed(self.embedder.id, [query], "query: "))[0]
        if self.router is not None:
            exchange.intent = self.router.route(vector).intent
        exchange.hint_first = exchange.intent == "solve" and not (
            previous and previous[-1].intent == "solve")
        roadmap = scope.roadmap
        if exchange.intent == "plan":
            messages = self._plan_messages(exchange, roadmap)
        else:
            found = await self.inference.search(vector, SEARCH_K, rows_in_scope(self.passages, roadmap))
            exchange.hits = rank(found, self.passages, exchange.lang, k=3, per_topic=2)
            messages = build_messages(exchange.question, exchange.hits, exchange.lang,
                                      intent=exchange.intent, history=previous)
        exchange.status = "waiting"
        self.on_change()
        if self._generator_task is not None:
            await self._generator_task
        if self.generator.phase != "ready":
            exchange.status = "passages"
            exchange.answer = cite("", exchange.hits)
            return
        exchange.status = "generating"

        def token(text: str) -> None:
            exchange.text += text
            self.on_change()

        result = await self.inference.generate(self.generator.id, messages, MAX_NEW_TOKENS, token)
        exchange.text = str(result.get("text", exchange.text))
        if result.get("device") and result.get("device") != self.generator.device:
            self.generator.device = str(result["device"])
            self.generator.reason = str(result.get("reason", ""))
        exchange.answer = cite(exchange.text, exchange.hits) if exchange.hits else Answer(
            exchange.text.strip(), (), False)
        exchange.status = "stopped" if result.get("interrupted") else "done"

    def _plan_messages(self, exchange: Exchange, roadmap: str | None) -> list[dict[str, str]]:
        roadmaps = [roadmap] if roadmap else list(self.library.order)
        titles = [self.library.topic(topic_id, exchange.lang).title
                  for rid in roadmaps
                  for topic_id in self.library.roadmap(rid, exchange.lang).topic_ids]
        return build_plan_messages(exchange.question, titles, exchange.lang)

    async def stop(self) -> bool:
        """Interrupt the answer being generated, if any."""
        return await self.inference.interrupt()
