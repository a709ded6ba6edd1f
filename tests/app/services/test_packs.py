"""Course packs added by URL (app.services.packs), with the real content compiler, the
real pack fixtures of tests/support/packs, and honest fakes at the ports: a fetcher
over a dict of URLs (the network is the edge of the world here), a storage in memory,
the fake ML worker. The browser walk is tests/app/ui/test_packs.py."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.core.library.catalog import Library
from app.core.library.packs import PackError, PackRefused, pack_id
from app.services.packs import MemoryPackStorage, PackShelf, Step, passages_of
from builder.content.pack import PackIndex, index_of
from tests.fakes import FakeInference

ROOT = Path(__file__).resolve().parents[3]
PACKS = ROOT / "tests/support/packs"
BASE = "https://school.example/packs/kitchen/"
ROADMAPSH = ROOT / "tests/builder/content/fixtures/roadmapsh/src/data/roadmaps"


def reindex(folder: Path, title: str = "Kitchen", language: str = "en", layout: str = "tropa") -> PackIndex:
    """Write ``folder``'s index as its files are now (after a test changed one)."""
    index = index_of(folder, title, language, layout)
    (folder / "tropa-pack.json").write_text(json.dumps(index.as_json()), encoding="utf-8")
    return index


def edited_kitchen(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the kitchen pack whose knife-skills topic has ``old`` replaced, indexed."""
    folder = tmp_path / "kitchen"
    shutil.copytree(PACKS / "kitchen", folder)
    topic = folder / "en/kitchen/knife-skills.md"
    topic.write_text(topic.read_text().replace(old, new))
    reindex(folder)
    return folder


def roadmapsh_pack(tmp_path: Path) -> Path:
    """The roadmap.sh converter's own fixture as a pack whose index says that layout."""
    folder = tmp_path / "roadmaps"
    shutil.copytree(ROADMAPSH, folder)
    reindex(folder, "Home network", "en", "roadmap.sh")
    return folder
RETRIEVAL = {"passages": "/p.json", "vectors": "/v.f32", "vectors_sha256": "0" * 64, "count": 0,
             "dim": 64, "model": "embedder-x", "dtype": "q8", "passage_prefix": "passage: ",
             "query_prefix": "query: "}


class DictFetcher:
    """The network as a dict of URL → bytes; records every URL asked for."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.asked: list[str] = []

    async def get(self, url: str, limit: int) -> bytes:
        self.asked.append(url)
        if url not in self.files:
            raise PackError(f"GET {url} failed: HTTP 404")
        data = self.files[url]
        if len(data) > limit:
            raise PackError(f"{url} is over {limit} bytes")
        return data


def served(folder: Path, base: str = BASE) -> dict[str, bytes]:
    return {base + path.relative_to(folder).as_posix(): path.read_bytes()
            for path in folder.rglob("*") if path.is_file()}


def library(retrieval: dict[str, Any] | None = None) -> Library:
    roadmap = {"id": "python", "lang": "en", "title": "Python", "summary": "s", "intro_html": "",
               "sections": [{"title": "A", "topics": ["python.loops"]}]}
    topic = {"id": "python.loops", "lang": "en", "roadmap": "python", "title": "Loops",
             "level": "beginner", "requires": [], "html": "<p>x</p>", "words": 200, "resources": [],
             "source": "content/en/python/loops.md"}
    data: dict[str, Any] = {"format": 2, "roadmaps": [roadmap], "topics": [topic]}
    if retrieval is not None:
        data["retrieval"] = retrieval
    return Library.from_dict(data)


def shelf(files: dict[str, bytes]) -> tuple[PackShelf, DictFetcher, MemoryPackStorage, FakeInference]:
    fetcher, storage, inference = DictFetcher(files), MemoryPackStorage(), FakeInference()
    return PackShelf(fetcher, storage, inference), fetcher, storage, inference


def test_a_pack_is_fetched_checked_embedded_stored_and_joins_the_library() -> None:
    packs, fetcher, storage, inference = shelf(served(PACKS / "kitchen"))
    steps: list[Step] = []
    added = asyncio.run(packs.add(BASE, library(RETRIEVAL), steps.append))
    assert added.fetched == 4 and added.embedded == len(added.record["passages"]) > 3
    assert all(url.startswith(BASE) for url in fetcher.asked)
    assert {s.stage for s in steps} == {"index", "fetch", "validate", "model", "embed", "save"}
    assert [s.done for s in steps if s.stage == "fetch"] == [0, 1, 2, 3, 4]
    merged = packs.library(library(RETRIEVAL))
    assert merged.order == ("python", "kitchen")
    assert merged.topic("kitchen.making-stock", "ru").title == "Making stock"  # English only
    assert "mirepoix" in merged.topic("kitchen.making-stock", "en").html
    rows, vectors = passages_of(packs.records)
    assert len(rows) == len(vectors) == added.embedded and len(vectors[0]) == 64
    # Read back from the device as a new visit would.
    again = PackShelf(DictFetcher({}), storage, inference)
    asyncio.run(again.load())
    assert again.library(library(RETRIEVAL)).roadmap("kitchen", "en").title == "Kitchen basics"


def test_an_update_fetches_and_embeds_only_what_changed(tmp_path: Path) -> None:
    folder = tmp_path / "kitchen"
    shutil.copytree(PACKS / "kitchen", folder)
    packs, fetcher, _, inference = shelf(served(folder))
    asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    topic = folder / "en/kitchen/boiling-eggs.md"
    topic.write_text(topic.read_text().replace("Six minutes", "Six and a half minutes"))
    reindex(folder)
    fetcher.files, fetcher.asked = served(folder), []
    embedded_before = sum(n for name, n in inference.calls if name == "embed")
    updated = asyncio.run(packs.update(pack_id(BASE), library(RETRIEVAL), lambda _: None))
    assert fetcher.asked == [BASE + "tropa-pack.json", BASE + "en/kitchen/boiling-eggs.md"]
    assert updated.fetched == 1 and updated.embedded == 1
    assert sum(n for name, n in inference.calls if name == "embed") == embedded_before + 1
    assert "Six and a half" in packs.library(library()).topic("kitchen.boiling-eggs", "en").html


def test_a_broken_pack_is_refused_with_file_and_line_and_nothing_is_stored(tmp_path: Path) -> None:
    folder = edited_kitchen(tmp_path, "level: beginner", "level: expert")
    packs, _, storage, _ = shelf(served(folder))
    with pytest.raises(PackRefused) as refused:
        asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert refused.value.problems == ["en/kitchen/knife-skills.md:3: unknown level 'expert'; "
                                      "should be one of: beginner, intermediate, advanced"]
    assert storage.texts == {} and packs.records == []


def test_a_file_that_is_not_the_one_indexed_is_refused(tmp_path: Path) -> None:
    files = served(PACKS / "kitchen")
    files[BASE + "en/kitchen/roadmap.md"] += b"\n"
    packs, _, storage, _ = shelf(files)
    with pytest.raises(PackRefused, match="problem") as refused:
        asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert refused.value.problems[0].startswith(
        "en/kitchen/roadmap.md:1: the file differs from tropa-pack.json")
    assert storage.texts == {}


def test_a_pack_may_not_take_a_built_in_id(tmp_path: Path) -> None:
    folder = tmp_path / "python"
    (folder / "en").mkdir(parents=True)
    shutil.copytree(PACKS / "kitchen/en/kitchen", folder / "en/python")
    for path in (folder / "en/python").glob("*.md"):
        path.write_text(path.read_text().replace("kitchen", "python"))
    (folder / "tropa-pack.json").write_text(json.dumps(index_of(folder, "Py", "en").as_json()))
    packs, _, storage, _ = shelf(served(folder))
    with pytest.raises(PackRefused) as refused:
        asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert refused.value.problems[0] == ("en/python/roadmap.md:2: roadmap id 'python' is already in the "
                                         "library; give the pack's roadmap another id")
    assert storage.texts == {}


def test_a_bad_index_is_refused_at_its_line() -> None:
    packs, _, _, _ = shelf({BASE + "tropa-pack.json": b'{"format": 1,\n "title": }'})
    with pytest.raises(PackRefused) as refused:
        asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert refused.value.problems == ["tropa-pack.json:2: not JSON (Expecting value)"]


def test_an_index_listing_a_path_outside_the_pack_is_refused() -> None:
    index = {"format": 1, "title": "T", "language": "en",
             "files": [{"path": "../secret.md", "sha256": "0" * 64, "bytes": 3}]}
    packs, fetcher, _, _ = shelf({BASE + "tropa-pack.json": json.dumps(index).encode()})
    with pytest.raises(PackRefused, match="problem") as refused:
        asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert "is not '<lang>/<roadmap>/<slug>.md'" in refused.value.problems[0]
    assert fetcher.asked == [BASE + "tropa-pack.json"]


def test_a_second_add_of_the_same_pack_and_remove() -> None:
    packs, _, storage, _ = shelf(served(PACKS / "kitchen"))
    asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    with pytest.raises(PackError, match="already added"):
        asyncio.run(packs.add(BASE + "tropa-pack.json", library(RETRIEVAL), lambda _: None))
    asyncio.run(packs.remove(pack_id(BASE)))
    assert storage.texts == {} and packs.library(library()).order == ("python",)


def test_erasing_the_device_removes_every_pack_and_records_of_other_versions() -> None:
    packs, _, storage, _ = shelf(served(PACKS / "kitchen"))
    asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    asyncio.run(storage.put("older", {"v": 0, "id": "older"}))  # left out when loaded
    asyncio.run(packs.load())
    assert [r["id"] for r in packs.records] == [pack_id(BASE)]
    asyncio.run(packs.remove_all())
    assert storage.texts == {} and packs.records == []
    assert packs.library(library()).order == ("python",)


def test_a_pack_in_roadmap_sh_layout_is_converted_then_checked(tmp_path: Path) -> None:
    """The roadmap.sh converter's own fixture, served as a pack whose index says so."""
    folder = roadmapsh_pack(tmp_path)
    index = reindex(folder, "Home network", "en", "roadmap.sh")
    assert {f.path for f in index.files} >= {"home-network/home-network.json",
                                              "home-network/content/100-basics/101-cables.md"}
    packs, fetcher, _, _ = shelf(served(folder))
    added = asyncio.run(packs.add(BASE, library(RETRIEVAL), lambda _: None))
    assert all(url.startswith(BASE) for url in fetcher.asked)
    assert added.record["layout"] == "roadmap.sh" and added.record["differences"]
    merged = packs.library(library(RETRIEVAL))
    assert "home-network" in merged.order
    assert merged.roadmap("home-network", "en").topic_ids
