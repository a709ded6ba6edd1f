"""The learner's own trails: chosen from the library, ordered by the on-device model,
checked in Python, kept on the device (collection ``roadmaps``, synced as ``roadmap``).

``Trails.make`` picks the topics that serve the goal (the embedder's retrieval fused
with the library's word search; words alone when the embedder may not run), makes the
deterministic plan at once (``app.core.learner.plan_making.from_library``), and, when
the caller may use the model, asks the generator for ordering, groups, gaps and a why
per step within ``budget_s``. A reply is repaired (``from_reply``); one with nothing
usable is asked for once more; past the budget, or without a model, the library's
plan stays, with a note that says why. ``last`` keeps the figures of the last run
(the bench reads them).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from app.core.errors import LibraryError, TropaError
from app.core.learner import plan_making
from app.core.learner.plan import MAX_GOAL, MAX_HOURS, Plan, PlanRefused, clip, problems
from app.core.learner.store import StoreError
from app.core.library.catalog import Library
from app.core.library.search import Index, fuse, words
from app.core.tutor.retrieval import rows_by_language
from app.ports import Api, Inference, Store
from app.services import pipelines
from app.services.pipelines import PipelineState
from app.services.retriever import Retriever

COLLECTION = "roadmaps"
# Topics the goal picks (before their prerequisites join them).
CHOSEN = 6
SEARCH_K = 24
# The model's turn may take this long in all (loading included); then the library's plan stays.
BUDGET_S = 240.0


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Wish:
    """What the learner asked for; ``known`` are topic ids they say they know."""

    goal: str
    lang: str
    hours_per_week: float = 3.0
    interests: str = ""
    known: tuple[str, ...] = ()

    def checked(self) -> Wish:
        """This wish, cleaned; raise PlanRefused naming what is wrong with it."""
        goal = " ".join(self.goal.split())
        if not goal:
            raise PlanRefused("say what you want to be able to do: the goal is empty")
        if len(goal) > MAX_GOAL:
            raise PlanRefused(f"the goal is {len(goal)} characters long; keep it to {MAX_GOAL}")
        if not 0.5 <= self.hours_per_week <= MAX_HOURS:
            raise PlanRefused(f"hours a week must be between 0.5 and {MAX_HOURS:g}, "
                              f"not {self.hours_per_week:g}")
        return Wish(goal, self.lang, self.hours_per_week, clip(self.interests, 120), self.known)


@dataclass
class Run:
    """One making of a plan: how the model's turn went and how long it all took."""

    chosen: list[str] = field(default_factory=list)
    by_meaning: bool = False
    replies: list[str] = field(default_factory=list)
    valid: list[bool] = field(default_factory=list)  # per reply: usable as it came
    repairs: list[list[str]] = field(default_factory=list)
    outcome: str = ""  # model, repaired, regenerated, library
    note: str = ""  # why the library's plan stayed: model-off, model-failed, model-slow, model-unusable
    seconds: float = 0.0


class Trails:
    def __init__(self, store: Store, inference: Inference | None, api: Api | None, *,
                 generator: Callable[[], str] = lambda: "", force_webgpu: bool = False,
                 now_ms: Callable[[], int] = _now_ms, monotonic: Callable[[], float] = time.monotonic,
                 budget_s: float = BUDGET_S) -> None:
        self.store = store
        self.inference = inference
        self.api = api
        self.force_webgpu = force_webgpu
        self.now_ms = now_ms
        self.monotonic = monotonic
        self.budget_s = budget_s
        # The generator the tutor would use now (the learner may switch it): asked each time.
        self.generator_id = generator
        self.generator = PipelineState(generator(), "generator")
        self.plans: dict[str, Plan] = {}
        self.notice = ""
        self.last = Run()
        self._retriever: Retriever | None = None
        self._embedder: PipelineState | None = None
        self._index: Index | None = None

    # -- the device's copy ---------------------------------------------------------------
    async def load(self) -> int:
        """Read every saved plan (again); an unreadable one is skipped with a notice."""
        try:
            saved = await self.store.items(COLLECTION)
        except StoreError as error:
            self.notice = str(error)
            return 0
        self.plans = {}
        for key, record in saved:
            if record is None:
                continue
            try:
                self.plans[key] = Plan.from_record(record)
            except ValueError as error:
                self.notice = f"the saved trail {key} could not be read: {error}"
        return len(self.plans)

    def latest(self) -> Plan | None:
        return max(self.plans.values(), key=lambda p: p.created_ms, default=None)

    async def save(self, plan: Plan, library: Library) -> bool:
        """Keep ``plan`` on the device (after checking it again); True when stored."""
        broken = problems(plan, library)
        if broken:
            raise PlanRefused("this trail breaks its rules: " + "; ".join(broken[:3]))
        self.plans[plan.id] = plan
        try:
            await self.store.put(COLLECTION, plan.id, plan.to_record())
        except StoreError as error:
            self.notice = f"This trail could not be kept on this device: {error}"
            return False
        self.notice = ""
        return True

    async def delete(self, plan_id: str) -> bool:
        self.plans.pop(plan_id, None)
        try:
            await self.store.delete(COLLECTION, plan_id)
        except StoreError as error:
            self.notice = str(error)
            return False
        return True

    # -- choosing topics -------------------------------------------------------------------
    def embedder_id(self, library: Library) -> str:
        return str(library.retrieval.get("model", ""))

    async def choose(self, wish: Wish, library: Library, use_embedder: bool) -> list[str]:
        """The topics that serve ``wish`` best, best first: by words, fused with the
        embedder's retrieval when ``use_embedder`` and it runs."""
        if self._index is None:
            self._index = Index.build(library)
        query = f"{wish.goal} {wish.interests}".strip()
        # A goal names what it wants in few words: a topic whose title holds them comes first.
        wanted = set(words(query))
        found = self._index.search(query, wish.lang, limit=CHOSEN * 5)
        found.sort(key=lambda r: (-len(wanted & set(words(r.title))), -r.score))
        lexical = [r.topic for r in found[:CHOSEN * 2]]
        semantic: list[str] = []
        self.last.by_meaning = False
        if use_embedder and self.inference is not None and library.retrieval:
            with contextlib.suppress(TropaError):
                semantic = await self._semantic(query, wish.lang, library)
                self.last.by_meaning = bool(semantic)
        known = set(wish.known)
        ranked = [t for t in fuse(lexical, semantic) if t not in known]
        # The trails the best few picks come from: a stray word match elsewhere stays out.
        # The embedder's, when it ran: it reads a goal in either language, while the words
        # match only a text in the goal's (a Russian SQL goal found Python's Russian text).
        leaders = [t for t in semantic if t not in known][:3] or ranked[:3]
        trails = {library.topic(t, wish.lang).roadmap for t in leaders}
        return [t for t in ranked if library.topic(t, wish.lang).roadmap in trails][:CHOSEN]

    async def _semantic(self, query: str, lang: str, library: Library) -> list[str]:
        if self.inference is None or self.api is None:
            return []
        if self._retriever is None:
            self._retriever = Retriever(self.inference, self.api, library.retrieval)
            self._embedder = PipelineState(self._retriever.embedder, "embedder")
        retriever, embedder = self._retriever, self._embedder
        if not retriever.passages:
            await retriever.prepare()
        if embedder is not None and embedder.phase != "ready":
            await pipelines.load(self.inference, embedder, self.force_webgpu, lambda: None)
        vector = (await retriever.embed_queries([query]))[0]
        best: dict[str, float] = {}
        for rows in rows_by_language(retriever.passages, None).values():
            for row, score in await self.inference.search(vector, SEARCH_K, rows):
                topic = retriever.passages[row].topic
                best[topic] = max(best.get(topic, -1.0), score)
        return sorted(best, key=lambda t: -best[t])

    # -- making -------------------------------------------------------------------------------
    def new_id(self) -> str:
        stamp = self.now_ms()
        while f"plan-{stamp}" in self.plans:
            stamp += 1
        return f"plan-{stamp}"

    async def make(self, wish: Wish, library: Library, *, use_model: bool,
                   on_draft: Callable[[Plan], None] = lambda _plan: None) -> Plan:
        """A plan for ``wish``: the library's at once (``on_draft``), then the model's
        when ``use_model`` and it answers in time. Not saved: the caller saves it."""
        wish = wish.checked()
        started = self.monotonic()
        self.last = Run()
        chosen = await self.choose(wish, library, use_model)
        if not chosen:
            raise PlanRefused("no topic of the library matches this goal; try other words, "
                              "or name a subject the library teaches (Python, SQL, Git)")
        self.last.chosen = chosen
        plan_id, created = self.new_id(), self.now_ms()
        draft = plan_making.from_library(plan_id, wish.goal, chosen, library, wish.lang,
                                         wish.hours_per_week, created, wish.known, wish.interests,
                                         note="model-off")
        on_draft(draft)
        plan = draft
        if self.generator.id != self.generator_id():
            self.generator = PipelineState(self.generator_id(), "generator")
        if use_model and self.inference is not None and self.generator.id:
            remaining = self.budget_s - (self.monotonic() - started)
            try:
                found = await asyncio.wait_for(self._ask(wish, chosen, draft, library), remaining)
            except TimeoutError:
                with contextlib.suppress(TropaError):
                    await self.inference.interrupt()
                found, self.last.note = None, "model-slow"
            except TropaError as error:
                found, self.last.note = None, "model-failed"
                self.last.repairs.append([str(error)])
            plan = found or _with_note(draft, self.last.note or "model-unusable")
        else:
            self.last.note = "model-off"
        if plan is draft or plan.made_by == "library":
            self.last.outcome = "library"
            self.last.note = plan.note
        self.last.seconds = round(self.monotonic() - started, 2)
        return plan

    async def _ask(self, wish: Wish, chosen: Sequence[str], draft: Plan, library: Library) -> Plan | None:
        if self.inference is None:
            return None
        if self.generator.phase != "ready":
            await pipelines.load(self.inference, self.generator, self.force_webgpu, lambda: None)
        # The model orders what the library's plan holds (the closure), not only the picks.
        topics = list(draft.topic_ids)
        chat = plan_making.messages(wish.goal, wish.interests, wish.hours_per_week, topics, library,
                                    wish.lang, wish.known)
        for attempt in range(2):
            reply = await self.inference.generate(self.generator.id, chat, plan_making.MAX_NEW_TOKENS)
            self.generator.ran_on(reply)
            text = str(reply.get("text", ""))
            self.last.replies.append(text)
            plan, repairs = plan_making.from_reply(
                text, draft.id, wish.goal, chosen, library, wish.lang, wish.hours_per_week,
                draft.created_ms, wish.known, wish.interests)
            self.last.valid.append(repairs.valid)
            self.last.repairs.append(list(repairs.done))
            if plan is not None and not problems(plan, library):
                first = "model" if repairs.valid else "repaired"
                self.last.outcome = first if attempt == 0 else "regenerated"
                return plan
        self.last.note = "model-unusable"
        return None

    def title(self, library: Library, lang: str) -> Callable[[str], str]:
        def of(topic_id: str) -> str:
            try:
                return library.topic(topic_id, lang).title
            except LibraryError:
                return topic_id
        return of


def _with_note(plan: Plan, note: str) -> Plan:
    return replace(plan, note=note)
