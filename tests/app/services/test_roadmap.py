"""Trails made for the learner: topics picked by the goal's words, the library's plan at
once, the model's reply checked, repaired, asked again once, or given up on (too slow,
failing, unusable) with the library's plan and a note; saved on the device in the
synced ``roadmaps`` collection. The ML worker is the honest fake of tests/fakes.py
(scripted replies); the library is the real one, compiled from content/."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from app.core.learner.plan import MAX_STEPS, PlanRefused, Step, problems
from app.core.learner.store import MemoryStore
from app.services.roadmap import COLLECTION, Trails, Wish
from app.services.syncing import SYNCED
from contracts.sync import check_value
from tests.app.core.learner.plan_library import real_library
from tests.fakes import FakeApi, FakeInference

GOAL = Wish("join tables and group rows in SQL for sales reports", "en", 3.0)


class ScriptedInference(FakeInference):
    """The fake worker answering each generate with the next of ``replies``."""

    def __init__(self, replies: list[str], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.replies = list(replies)

    async def generate(self, model, messages, max_new_tokens, on_token=None):  # type: ignore[no-untyped-def]
        self.reply = self.replies.pop(0) if self.replies else "no plan"
        return await super().generate(model, messages, max_new_tokens, on_token)


def good_reply(trails: Trails) -> str:
    draft = asyncio.run(trails.make(GOAL, real_library(), use_model=False))
    return json.dumps({"groups": [{"title": "Reading", "steps": [{"id": t, "why": "needed"}
                                                                  for t in draft.topic_ids]},
                                  {"title": "Reporting", "steps": [{"gap": "Charts in a spreadsheet",
                                                                     "why": "to show results"}]}]})


def trails_with(replies: list[str], **kwargs: object) -> tuple[Trails, ScriptedInference]:
    inference = ScriptedInference(replies)
    trails = Trails(MemoryStore(), inference, FakeApi({}), generator=lambda: "gen-x", **kwargs)  # type: ignore[arg-type]
    return trails, inference


def test_without_the_model_the_library_plan_comes_out_picked_by_the_goal_words() -> None:
    trails, inference = trails_with([])
    drafts = []
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=False, on_draft=drafts.append))
    assert plan.made_by == "library" and plan.note == "model-off"
    assert drafts == [plan]
    assert {"sql.inner-joins", "sql.group-by-and-having"} <= set(trails.last.chosen)
    assert problems(plan, real_library()) == []
    assert not any(call[0] == "generate" for call in inference.calls)


def test_a_clean_reply_becomes_the_plan() -> None:
    trails, _ = trails_with([])
    trails.inference.replies = [good_reply(trails)]  # type: ignore[union-attr]
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=True))
    assert plan.made_by == "model" and trails.last.outcome == "model" and trails.last.valid == [True]
    assert plan.gaps[0].title == "Charts in a spreadsheet"


def test_an_unusable_reply_is_asked_again_once() -> None:
    trails, _ = trails_with([])
    trails.inference.replies = ["I would suggest learning SQL.", good_reply(trails)]  # type: ignore[union-attr]
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=True))
    assert plan.made_by == "model" and trails.last.outcome == "regenerated"
    assert trails.last.valid == [False, True]


def test_two_unusable_replies_leave_the_library_plan_with_a_note() -> None:
    trails, inference = trails_with(["nothing", "still nothing"])
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=True))
    assert plan.made_by == "library" and plan.note == "model-unusable"
    assert sum(call[0] == "generate" for call in inference.calls) == 2


def test_a_model_that_cannot_load_leaves_the_library_plan() -> None:
    inference = ScriptedInference([], fail_load={"gen-x": "out of memory"})
    trails = Trails(MemoryStore(), inference, FakeApi({}), generator=lambda: "gen-x")
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=True))
    assert plan.made_by == "library" and plan.note == "model-failed"


def test_a_model_past_the_budget_is_interrupted_and_the_library_plan_stays() -> None:
    inference = ScriptedInference(["word " * 400], token_delay=0.05)
    trails = Trails(MemoryStore(), inference, FakeApi({}), generator=lambda: "gen-x", budget_s=3.0)
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=True))
    assert plan.made_by == "library" and plan.note == "model-slow"
    assert any(call[0] == "generate" for call in inference.calls)


def test_known_topics_are_left_out() -> None:
    trails, _ = trails_with([])
    wish = Wish(GOAL.goal, "en", 3.0, known=("sql.relational-model", "sql.tables-and-types"))
    plan = asyncio.run(trails.make(wish, real_library(), use_model=False))
    assert not {"sql.relational-model", "sql.tables-and-types"} & set(plan.topic_ids)
    assert plan.topic_ids[0] == "sql.select-basics"
    assert problems(plan, real_library()) == []


@pytest.mark.parametrize(("wish", "message"), [
    (Wish("   ", "en"), "the goal is empty"),
    (Wish("x" * 201, "en"), "201 characters"),
    (Wish("SQL", "en", 0), "between 0.5 and 80"),
    (Wish("qwxyz zzqv", "en"), "no topic of the library matches"),
])
def test_a_bad_wish_is_refused_naming_why(wish: Wish, message: str) -> None:
    trails, _ = trails_with([])
    with pytest.raises(PlanRefused, match=message):
        asyncio.run(trails.make(wish, real_library(), use_model=False))


def test_plans_are_saved_in_the_synced_roadmaps_collection_and_read_back() -> None:
    store = MemoryStore()
    trails = Trails(store, None, None)
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=False))
    assert asyncio.run(trails.save(plan, real_library())) is True
    again = Trails(store, None, None)
    assert asyncio.run(again.load()) == 1 and again.latest() == plan
    assert SYNCED[COLLECTION] == "roadmap"
    broken = type(plan)(**{**plan.__dict__, "steps": tuple(reversed(plan.steps))})
    with pytest.raises(PlanRefused, match="needs"):
        asyncio.run(trails.save(broken, real_library()))
    assert asyncio.run(again.delete(plan.id)) and asyncio.run(Trails(store, None, None).load()) == 0


def test_the_largest_plan_fits_one_synced_value() -> None:
    trails = Trails(MemoryStore(), None, None)
    plan = asyncio.run(trails.make(GOAL, real_library(), use_model=False))
    step = Step("", "g" * 90, "w" * 160, "t" * 90)
    big = type(plan)(**{**plan.__dict__, "steps": (step,) * MAX_STEPS, "goal": "x" * 200})
    check_value(big.to_record())


def library_with_retrieval() -> tuple[Any, FakeApi, dict[str, list[list[float]]]]:
    """The real library with a retrieval section: its real passages, each embedded by the
    fake worker's bag-of-words vectors (tests/fakes.py), served by the fake API."""
    from app.core.library.catalog import Library
    from builder.content.library import library_dict, passages_of
    from builder.content.tree import read_tree
    from contracts.library import passage_row
    from tests.app.core.learner.plan_library import CONTENT
    from tests.fakes import DIM, bag_of_words

    bundles = read_tree(CONTENT)
    rows = [passage_row(p.topic, p.lang, p.roadmap, p.title, p.text) for p in passages_of(bundles)]
    data = library_dict(bundles)
    data["retrieval"] = {"passages": "/content/passages.json", "vectors": "/content/vectors.f32",
                         "vectors_sha256": "0" * 64, "count": len(rows), "dim": DIM, "model": "embedder-x",
                         "dtype": "q8", "passage_prefix": "passage: ", "query_prefix": "query: "}
    vectors = {"/content/vectors.f32": [bag_of_words(r["title"] + " " + r["text"]) for r in rows]}
    return Library.from_dict(data), FakeApi({"/content/passages.json": rows}), vectors


def test_with_the_embedder_the_picks_fuse_its_search_with_the_words() -> None:
    library, api, vectors = library_with_retrieval()
    inference = ScriptedInference([], vectors=vectors)
    trails = Trails(MemoryStore(), inference, api, generator=lambda: "")
    chosen = asyncio.run(trails.choose(Wish("branches merging conflicts in git", "en"), library, True))
    assert trails.last.by_meaning is True
    assert ("load", "embedder-x") in inference.calls and any(c[0] == "search" for c in inference.calls)
    assert "git.merge-conflicts" in chosen and all(t.startswith("git.") for t in chosen)
    words_only = asyncio.run(trails.choose(Wish("branches merging conflicts in git", "en"), library, False))
    assert trails.last.by_meaning is False and words_only
