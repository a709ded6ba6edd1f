""""My trail" as a shell part under CPython: the real services, views, store and
library, the honest fake worker (tests/fakes.py) and a fake Page. The model is used only
once the learner says Download; edits that break a prerequisite are refused on the page;
the export is a tar the content compiler reads. The walk in Chromium is
test_plan_page.py."""

from __future__ import annotations

import asyncio
import io
import json
import tarfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.core.learner.store import MemoryStore
from app.services.progress import ProgressBook
from app.services.roadmap import COLLECTION, Trails
from app.services.stored_models import ModelShelf
from app.ui.plan import PlanUi
from builder.content.tree import read_tree
from tests.app.core.learner.plan_library import real_library
from tests.fakes import FakeApi, FakeInference, FakePage


def form(**values: Any) -> SimpleNamespace:
    fields = {"goal": "", "interests": "", "hours": "3", "known": "", "use_progress": True,
              "use_model": True, **values}
    items = {name: SimpleNamespace(value=value if not isinstance(value, bool) else "on", checked=value)
             for name, value in fields.items()}
    return SimpleNamespace(elements=SimpleNamespace(namedItem=items.get))


def button(**data: Any) -> SimpleNamespace:
    return SimpleNamespace(dataset=SimpleNamespace(**data))


class Walk:
    def __init__(self, reply: str = "no plan") -> None:
        self.store = MemoryStore()
        self.page = FakePage("#/plan")
        self.inference = FakeInference(reply=reply)
        self.progress = ProgressBook(self.store)
        self.trails = Trails(self.store, self.inference, FakeApi({}), generator=lambda: "gen-x")
        self.drawn = 0
        self.ui = PlanUi(self.trails, ModelShelf(self.inference, False), self.progress, self.page,
                         library=real_library, lang=lambda: "en", rerender=self.redraw)

    def redraw(self) -> None:
        self.drawn += 1

    def html(self) -> str:
        from app.core.library.routes import Route

        return str(self.ui.content(Route("plan"), "en"))

    def run(self, coroutine: Any) -> None:
        asyncio.run(coroutine)


def test_a_missing_model_is_asked_for_and_never_downloaded_unasked() -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="join tables and group rows in SQL")))
    plan = walk.trails.latest()
    assert plan is not None and plan.made_by == "library" and plan.note == "model-declined"
    assert not [c for c in walk.inference.calls if c[0] in ("load", "download", "generate")]
    html = walk.html()
    assert "nothing is downloaded without your say" in html
    assert 'data-action="plan-consent-yes"' in html and "Download it and improve this trail?" in html
    saved = asyncio.run(walk.store.items(COLLECTION))
    assert [key for key, _ in saved] == [plan.id]


def test_download_consent_runs_the_model_and_replaces_the_draft() -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="join tables and group rows in SQL")))
    draft = walk.trails.latest()
    assert draft is not None
    reply = json.dumps({"groups": [{"title": "All", "steps": [{"id": t, "why": "because"}
                                                               for t in draft.topic_ids]}]})
    walk.inference.reply = reply
    walk.run(walk.ui.act("plan-consent-yes", button()))
    plan = walk.trails.latest()
    assert plan is not None and plan.made_by == "model" and plan.id != draft.id
    assert ("load", "gen-x") in walk.inference.calls
    assert list(walk.trails.plans) == [plan.id]  # the draft was replaced, not kept beside it
    assert "Ordered and explained by the on-device model" in walk.html()


def test_without_the_model_box_no_model_is_asked_for() -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="Python loops", use_model=False)))
    plan = walk.trails.latest()
    assert plan is not None and plan.note == "model-off"
    assert "plan-consent-yes" not in walk.html()


def test_an_edit_against_a_prerequisite_is_refused_on_the_page() -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="Python loops", use_model=False)))
    plan = walk.trails.latest()
    assert plan is not None
    loops = plan.topic_ids.index("python.loops")
    assert plan.topic_ids[loops - 1] == "python.conditionals"
    walk.run(walk.ui.act("plan-up", button(index=str(loops))))
    assert walk.ui.status == "“Loops” needs “Conditionals” first, so it cannot move before it"
    assert walk.trails.latest() == plan
    last = len(plan.steps) - 1
    walk.run(walk.ui.act("plan-remove", button(index=str(last))))
    assert walk.ui.status == "Saved on this device."
    assert len(walk.trails.latest().steps) == last  # type: ignore[union-attr]


def test_what_the_learner_knows_is_left_out_and_an_unknown_name_is_refused() -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="Python loops", known="Installing Python, Wizardry",
                                              use_model=False)))
    assert walk.ui.status == ("Not a topic of the library: Wizardry. Use the titles as the library "
                              "shows them.")
    assert walk.trails.latest() is None
    walk.run(walk.progress.mark("python.running-code", "done"))
    walk.run(walk.ui.submit("plan-make", form(goal="Python loops", known="Installing Python",
                                              use_model=False)))
    plan = walk.trails.latest()
    assert plan is not None and plan.topic_ids[0] == "python.variables-and-types"


def test_the_export_is_offered_as_a_tar_the_compiler_reads(tmp_path: Path) -> None:
    walk = Walk()
    walk.run(walk.ui.submit("plan-make", form(goal="Python loops", use_model=False)))
    walk.run(walk.ui.act("plan-export", button()))
    [(name, text, mime)] = walk.page.downloads
    assert name == "python-loops.tar" and mime == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(text.encode("utf-8"))) as archive:
        archive.extractall(tmp_path, filter="data")
    [bundle] = read_tree(tmp_path / "content")
    assert bundle.roadmap.id == "python-loops"
    assert "python-loops.tar" in walk.ui.status
