"""The tutor: retrieval-augmented answers from the course library, streamed.

``Tutor`` composes the parts, each tested on its own: ``Retriever`` (passages and
vector search), the intent classifier (``learn_intents``), prompt building
(``app.core.tutor.prompt``), the conversations (``app.core.tutor.conversation.History``) and the
worker's pipelines (``app.services.pipelines``).

``start`` readies retrieval and the classifier and begins loading the generator in the
background; ``ask`` shows the retrieved passages at once, then streams the generated
answer with citations. If no generator can load, the tutor still answers with the
passages alone and says why. Every exchange ends in a final status: an error of any
kind fails that exchange with its message.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from app.core.errors import LibraryError, TropaError
from app.core.generator_choice import GeneratorChoice, writes
from app.core.i18n import t
from app.core.learner.profile import LearnerProfile, tutor_note
from app.core.library.catalog import Library
from app.core.settings import Settings
from app.core.tutor.answer import Answer, cite, explains, in_language, printable, without_repeats
from app.core.tutor.conversation import Exchange, History, Scope, follows_up, wants_hint_first
from app.core.tutor.intent import IntentClassifier
from app.core.tutor.prompt import (
    GOAL_TOKENS,
    LISTED,
    Turn,
    build_messages,
    build_plan_messages,
    strip_echo,
    trail_titles,
    trim_words,
)
from app.core.tutor.vectors import blend, dot
from app.ports import Api, Inference
from app.services import pipelines
from app.services.intents import learn_intents
from app.services.pipelines import PipelineState
from app.services.retriever import Retriever

MAX_NEW_TOKENS = 256
# The prompt's estimated tokens per language (app.core.tutor.prompt.build_messages). Prompt
# processing is what a learner waits for: measured in Chromium on 2 cores
# (bench/tutor_speed.py), Qwen 0.5B q8 reads 70-86 prompt tokens/s after the cached system
# prefix (70 tokens); at the builder's default of 600 an English retrieval prompt was 406-434
# real tokens, 4.3-4.8 s to the first token. Counted with Qwen's tokenizer over the library's
# passages (medians): English 600 → 407 tokens, 400 → 292; Russian text takes about 1.4×
# the tokens the builder estimates, so Russian gets less: 400 → 418, 300 → 332 (the floor of
# 40 per passage).
PROMPT_BUDGET = {"en": 400, "ru": 300}
# Added to the question when an answer came back in another language than the learner's.
LANGUAGE_AGAIN = {"en": "Important: write the answer in English.",
                  "ru": "Важно: напиши ответ на русском языке."}

__all__ = ["Exchange", "Scope", "Tutor"]


class Tutor:
    def __init__(
        self,
        inference: Inference,
        api: Api,
        library: Library,
        settings: Settings,
        on_change: Callable[[], None] = lambda: None,
        history: History | None = None,
        on_finished: Callable[[Scope], Awaitable[None]] | None = None,
        learner: Callable[[], LearnerProfile] | None = None,
        choice: GeneratorChoice | None = None,
        on_generated: Callable[[str, Mapping[str, Any]], None] | None = None,
        pick: Callable[[str], GeneratorChoice] | None = None,
    ) -> None:
        """``history`` holds the conversations (restored from the device by the caller);
        ``on_finished(scope)`` runs after each exchange ends, to save it; ``learner()``
        gives the learner's profile as it is now, read at each question for the prompt.
        ``settings.generator`` "" means passages only (no generator); ``choice`` says which
        tutor this is and why (app.core.generator_choice), for the panel;
        ``on_generated(model, result)`` sees every generate result (first-token times);
        ``pick(lang)`` the choice for a learner reading ``lang`` now (see ``follow``)."""
        self.inference = inference
        self.library = library
        self.settings = settings
        self.on_change = on_change
        self.retriever = Retriever(inference, api, library.retrieval)
        self.embedder = PipelineState(self.retriever.embedder, "embedder")
        self.generator = PipelineState(settings.generator, "generator")
        self.choice = choice
        self.on_generated = on_generated
        self.pick = pick
        self.history = history if history is not None else History()
        self.on_finished = on_finished
        self.learner = learner
        self.classifier: IntentClassifier | None = None
        self.busy = False
        self._ready: asyncio.Task[None] | None = None
        self._generator_task: asyncio.Task[None] | None = None
        # Scope key → (question, the vector it was retrieved with), for the next follow-up.
        self._queries: dict[str, tuple[str, list[float]]] = {}

    # -- start-up ---------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        """Begin readying retrieval and loading the generator; idempotent."""
        if self._ready is None or (self._ready.done() and self._ready.exception() is not None):
            self._ready = asyncio.ensure_future(self._prepare())
        return self._ready

    async def _prepare(self) -> None:
        # The first call to the worker shakes hands with it (the bridge checks the
        # protocol version and request types); a worker of another version fails here.
        await self.inference.probe(self.settings.force_webgpu)
        self.on_change()
        # The embedder first, the generator once it is in: every question needs the embedder,
        # and the worker builds one model at a time in the order asked (Transformers.js queues
        # session creation), so a generator asked first held the embedder back by its whole
        # load (measured: the embedder ready 21 s after the page, the tiny generator at 8 s).
        embedder = asyncio.ensure_future(pipelines.load(
            self.inference, self.embedder, self.settings.force_webgpu, self.on_change))
        try:
            await self.retriever.prepare()
        finally:
            with contextlib.suppress(TropaError):
                await embedder
            if self.generator.id:
                self._generator_task = asyncio.ensure_future(self._load_generator())
        await embedder  # its failure, if any, fails the start
        self.classifier = await learn_intents(self.retriever.embed_queries)

    async def _load_generator(self) -> None:
        # A generator that cannot load is not fatal: answers fall back to passages.
        with contextlib.suppress(TropaError):
            await pipelines.load(self.inference, self.generator, self.settings.force_webgpu,
                                 self.on_change)

    def model_ids(self) -> tuple[str, ...]:
        """The models this tutor loads: the embedder, and the generator unless passages only."""
        return (self.embedder.id, self.generator.id) if self.generator.id else (self.embedder.id,)

    def models_ready(self) -> bool:
        return self.embedder.phase == "ready" and (not self.generator.id or self.generator.phase == "ready")

    async def use_generator(self, model: str | None, choice: GeneratorChoice | None = None) -> None:
        """Switch to generator ``model`` (None: passages only): the old one is unloaded, the
        new one loads now if the tutor has started (else on its first question)."""
        self.choice = choice
        old = self.generator
        if (model or "") == old.id:
            self.on_change()
            return
        self.generator = PipelineState(model or "", "generator")
        self._generator_task = None
        # The worker's unload waits for a load in flight, then frees it.
        if old.id and old.phase != "failed" and self._ready is not None:
            with contextlib.suppress(TropaError):
                await self.inference.unload(old.id)
        if model and self._ready is not None:
            self._generator_task = asyncio.ensure_future(self._load_generator())
        self.on_change()

    async def follow(self, lang: str) -> None:
        """Move to the tutor ``pick`` chooses for ``lang`` when it differs from this one: the
        device ladder's choice depends on the language (SmolLM2 writes English only), and
        the learner may have switched the page's language since this tutor was made."""
        if self.pick is None or self.busy:
            return
        choice = self.pick(lang)
        if choice != self.choice:
            await self.use_generator(choice.model, choice)

    # -- asking -------------------------------------------------------------------------
    def conversation(self, scope: Scope) -> list[Exchange]:
        return self.history.conversation(scope)

    async def ask(self, question: str, scope: Scope, lang: str) -> Exchange:
        """Answer ``question``; the Exchange is in the scope's history from the start.

        It always ends finished: ``failed`` with the error's message when anything goes
        wrong (a bug included), ``stopped`` when the task is cancelled.
        """
        exchange, previous = self.history.begin(question, scope, lang)
        self.busy = True
        self.on_change()
        try:
            await self._answer(exchange, scope, previous)
        except TropaError as error:
            self._fail(exchange, str(error))
        except asyncio.CancelledError:
            exchange.status = "stopped"
            raise
        except Exception as error:  # a bug must end the exchange, not leave a spinner
            self._fail(exchange, f"unexpected {type(error).__name__}: {error}")
        finally:
            self.busy = False
            # Saved before the UI shows it finished: a reload right after still has it.
            if self.on_finished is not None and exchange.finished:
                await self.on_finished(scope)
            self.on_change()
        return exchange

    @staticmethod
    def _fail(exchange: Exchange, message: str) -> None:
        exchange.status, exchange.error = "failed", message
        if exchange.hits and exchange.answer is None:
            exchange.answer = cite("", exchange.hits)

    @staticmethod
    def _passages_instead(exchange: Exchange, why: str) -> None:
        """The generated answer is unusable: answer with the passages, saying ``why`` (a
        message key) in ``error``, which the panel shows in place of the usual notice."""
        exchange.status, exchange.text = "passages", ""
        exchange.error = t(exchange.lang, why)
        exchange.answer = cite("", exchange.hits)

    async def _answer(self, exchange: Exchange, scope: Scope, previous: list[Turn]) -> None:
        await self.start()
        vector = (await self.retriever.embed_queries([exchange.question]))[0]
        query = await self._query_vector(exchange.question, vector, scope, previous)
        self._queries[scope.key] = (exchange.question, query)
        # A follow-up (its query blended with the one before) searches with the previous
        # question's words too and shows the model the previous turn; a new question neither.
        follow = query is not vector
        words = f"{previous[-1].question} {exchange.question}" if follow else exchange.question
        if self.classifier is not None:
            exchange.intent = self.classifier.classify(vector, text=exchange.question).intent
        exchange.hint_first = wants_hint_first(exchange.intent, previous)
        # Every intent retrieves: a question the router sent to ``plan`` by mistake still
        # shows the passages that answer it.
        exchange.hits, covered = await self.retriever.search_supported(
            query, exchange.lang, scope.roadmap, words)
        note = self.learner_note(exchange.lang)
        if exchange.intent == "plan":
            titles = trail_titles(self.library, scope.roadmap, exchange.lang)
            messages = build_plan_messages(exchange.question, titles, exchange.lang, note)
        elif not covered:
            # Nothing in the library supports an answer: say so (the UI shows the nearest
            # topics as related, not as sources) rather than let the model make one up.
            exchange.status = "uncovered"
            exchange.answer = Answer("", (), False)
            return
        else:
            messages = build_messages(exchange.question, exchange.hits, exchange.lang,
                                      intent=exchange.intent, history=previous if follow else (),
                                      learner=note,
                                      budget=PROMPT_BUDGET.get(exchange.lang, 400))
        exchange.status = "waiting"
        self.on_change()
        if self._generator_task is not None:
            if self._generator_task.cancelled():  # the loop it ran on was closed: load again
                self._generator_task = asyncio.ensure_future(self._load_generator())
            await self._generator_task
        if self.generator.phase != "ready":
            exchange.status = "passages"
            exchange.answer = cite("", exchange.hits)
            if not self.generator.id:
                exchange.error = t(exchange.lang, "passages_chosen")
            return
        if not writes(self.generator.id, exchange.lang):
            # An English-only tutor asked in Russian: the passages, rather than an English answer.
            self._passages_instead(exchange, "passages_english_only")
            return
        await self._generate(exchange, messages)

    def learner_note(self, lang: str) -> str:
        """The learner's profile in ``lang`` for the prompt ("" without one)."""
        if self.learner is None:
            return ""

        def title_of(topic_id: str) -> str | None:
            try:
                return self.library.topic(topic_id, lang).title
            except LibraryError:
                return None

        profile = self.learner()
        short = dataclasses.replace(profile, goal=trim_words(profile.goal, GOAL_TOKENS))
        return tutor_note(short, title_of, lang, LISTED)

    async def _query_vector(self, question: str, vector: list[float], scope: Scope,
                            previous: list[Turn]) -> list[float]:
        """What to retrieve with: ``vector`` (the question's own), blended with the previous
        question's query when this one follows it up (``follows_up``)."""
        if not previous:
            return vector
        asked = self._queries.get(scope.key)
        if asked is None or asked[0] != previous[-1].question:  # restored, or it failed
            before = previous[-1].question
            asked = (before, (await self.retriever.embed_queries([before]))[0])
        if follows_up(question, dot(vector, asked[1])):
            return blend(vector, asked[1])
        return vector

    async def _generate(self, exchange: Exchange, messages: list[dict[str, str]]) -> None:
        result = await self._stream(exchange, messages)
        if not result.get("interrupted") and not self._worded(exchange):
            # Once more, the language said last (where a small model heeds it most).
            retry = [*messages[:-1], {**messages[-1], "content": (
                f"{messages[-1]['content']}\n\n{LANGUAGE_AGAIN.get(exchange.lang, '')}")}]
            result = await self._stream(exchange, retry)
        if result.get("interrupted"):
            exchange.status = "stopped"
        elif not exchange.text.strip():
            # Only the prompt came back: show the passages rather than the frame.
            self._passages_instead(exchange, "answer_echoed")
            return
        elif not in_language(exchange.text, exchange.lang):
            self._passages_instead(exchange, "answer_wrong_language")
            return
        elif not explains(exchange.text) and exchange.intent != "plan":
            self._passages_instead(exchange, "answer_code_only")
            return
        else:
            exchange.status = "done"
        # A plan is built from the trail's topic list, not from the passages: it cites none.
        exchange.answer = cite(exchange.text, exchange.hits) if exchange.intent != "plan" else Answer(
            exchange.text.strip(), (), False)

    @staticmethod
    def _worded(exchange: Exchange) -> bool:
        """The answer is in the learner's language and says something in words (a plan may
        be a bare list of topics)."""
        return in_language(exchange.text, exchange.lang) and (
            exchange.intent == "plan" or explains(exchange.text))

    async def _stream(self, exchange: Exchange, messages: list[dict[str, str]]) -> dict[str, Any]:
        """Generate into ``exchange.text`` as the tokens come, without the prompt's echo or
        a loop of repeated sentences."""
        exchange.status, exchange.text = "generating", ""
        raw = ""

        def token(text: str) -> None:
            nonlocal raw
            raw += printable(text)
            exchange.text = without_repeats(strip_echo(raw, exchange.hits))
            self.on_change()

        result = await self.inference.generate(self.generator.id, messages, MAX_NEW_TOKENS, token)
        exchange.text = without_repeats(strip_echo(printable(str(result.get("text", raw))),
                                                   exchange.hits))
        self.generator.ran_on(result)
        if self.on_generated is not None:
            self.on_generated(self.generator.id, result)
        return result

    async def stop(self) -> bool:
        """Interrupt the answer being generated, if any."""
        return await self.inference.interrupt()
