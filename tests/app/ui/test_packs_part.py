"""The #/packs part under CPython: the real PackShelf over the fixture packs (a fetcher
over a dict of URLs at the edge), the fake worker and page; markup and flow, EN and RU."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace

from app.core.library.catalog import Library
from app.core.library.routes import Route
from app.services.packs import MemoryPackStorage, PackShelf, Step
from app.ui.packs import PacksUi, step_text
from tests.app.services.test_packs import (
    BASE,
    PACKS,
    RETRIEVAL,
    DictFetcher,
    edited_kitchen,
    library,
    roadmapsh_pack,
    served,
)
from tests.fakes import FakeElement, FakeInference, FakePage


def form(url: str) -> SimpleNamespace:
    return SimpleNamespace(elements=SimpleNamespace(namedItem=lambda name: SimpleNamespace(value=url)))


def part(files: dict[str, bytes]) -> tuple[PacksUi, FakePage, list[Library]]:
    page = FakePage("#/packs")
    page.elements["pack-status"] = FakeElement()
    shelf = PackShelf(DictFetcher(files), MemoryPackStorage(), FakeInference())
    libraries: list[Library] = []
    base = library(RETRIEVAL)

    async def changed() -> None:
        libraries.append(shelf.library(base))

    ui = PacksUi(shelf, page, base=lambda: base, changed=changed, lang=lambda: "en", rerender=lambda: None)
    return ui, page, libraries


def test_adding_shows_progress_then_the_pack_in_the_list() -> None:
    ui, page, libraries = part(served(PACKS / "kitchen"))
    statuses: list[str] = []
    show = ui._show_step

    def recorded(step: Step) -> None:
        show(step)
        statuses.append(page.elements["pack-status"].innerHTML)

    ui._show_step = recorded  # type: ignore[method-assign]
    asyncio.run(ui.submit("pack-add", form(BASE)))
    assert any("Fetching files: 2 of 4" in s and "<progress" in s for s in statuses)
    assert any("Indexing passages" in s for s in statuses)
    body = str(ui.content(Route("packs"), "en"))
    assert "Added “Kitchen basics”: 3 topics, 4 files fetched" in body
    assert 'data-action="pack-update"' in body and 'data-action="pack-remove"' in body
    assert '<a href="#/roadmap/kitchen">Kitchen basics</a>' in body
    assert libraries and "kitchen" in libraries[-1].order
    assert "Пакеты на этом устройстве" in str(ui.content(Route("packs"), "ru"))


def test_a_refusal_lists_the_problems_escaped(tmp_path: Path) -> None:
    folder = edited_kitchen(tmp_path, "level: beginner", "level: <b>expert</b>")
    ui, _, libraries = part(served(folder))
    asyncio.run(ui.submit("pack-add", form(BASE)))
    body = str(ui.content(Route("packs"), "en"))
    assert "breaks 1 content rule(s). Nothing was kept." in body
    assert "<code>en/kitchen/knife-skills.md:3: unknown level '&lt;b&gt;expert&lt;/b&gt;'" in body
    assert "No course packs yet." in body and libraries == []
    assert ui.draft == BASE  # the address stays in the field to fix and try again


def test_every_step_has_words_in_both_languages() -> None:
    for lang in ("en", "ru"):
        for step in (Step("index"), Step("fetch", 1, 4), Step("validate"), Step("model"),
                     Step("model", 5 * 2**20, 118 * 2**20), Step("embed", 8, 9), Step("save")):
            assert step_text(step, lang)
    assert step_text(Step("model", 5 * 2**20, 118 * 2**20), "en") == "Loading the search model: 5 of 118 MB"


def test_a_roadmap_sh_pack_lists_what_its_conversion_dropped(tmp_path: Path) -> None:
    ui, _, _ = part(served(roadmapsh_pack(tmp_path)))
    asyncio.run(ui.submit("pack-add", form(BASE)))
    body = str(ui.content(Route("packs"), "en"))
    record = ui.shelf.records[0]
    assert record["differences"]
    assert (f"<summary>Converted from roadmap.sh's layout: {len(record['differences'])} differences"
            in body)
    assert "Visit the Linux roadmap" in body  # one of them: a button node dropped
    assert "Преобразован из формата roadmap.sh" in str(ui.content(Route("packs"), "ru"))
    # A pack in our own format has nothing to list.
    kitchen, _, _ = part(served(PACKS / "kitchen"))
    asyncio.run(kitchen.submit("pack-add", form(BASE)))
    assert "pack-differences" not in str(kitchen.content(Route("packs"), "en"))
