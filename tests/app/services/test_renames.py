"""No learner data is lost when authors rename, move or merge topics: progress, notes and
conversations stored under the old ids are found under the new ones after the app loads
a library compiled (by the real compiler) with the change."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from app.core.learner.renames import NOTE_JOIN, merge_lists, merge_marks, merge_notes, plan
from app.core.learner.store import MemoryStore
from app.core.library.catalog import Library
from app.services.notes import NoteBook
from app.services.progress import ProgressBook
from app.services.renames import move_renamed
from builder.content.library import library_dict
from builder.content.tree import read_tree
from tests.builder.content.conftest import FIXTURES, edit


def compiled(root: Path) -> Library:
    return Library.from_dict(library_dict(read_tree(root)))


def test_progress_notes_and_conversations_survive_a_rename_and_a_merge(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "good", root)
    before = compiled(root)
    store = MemoryStore()
    clock = iter(range(1_000, 2_000))

    async def learn() -> None:
        book = ProgressBook(store, now_ms=lambda: next(clock))
        await book.mark("demo.alpha", "done")
        await book.mark("demo.beta", "learning")
        await book.mark("demo.gamma", "learning")
        await book.mark("demo.retired", "done")  # a topic since merged into gamma
        notes = NoteBook(store, now_ms=lambda: next(clock))
        await notes.save("demo.alpha", "alpha: **first** note")
        await notes.save("demo.gamma", "gamma's own note")
        await notes.save("demo.retired", "what I wrote on the retired topic")
        await store.put("conversations", "demo.alpha", [{"question": "why?"}])

    asyncio.run(learn())
    earlier = ProgressBook(store)
    asyncio.run(earlier.load())
    assert earlier.progress.share(before.roadmap("demo", "en").topic_ids).finished == 1
    # The author renames alpha (every language) and merges the retired topic into gamma.
    for lang in ("en", "ru"):
        folder = root / lang / "demo"
        edit(folder / "alpha.md", "id: demo.alpha", "id: demo.first-steps\nformerly: demo.alpha")
        edit(folder / "gamma.md", "level:", "formerly: demo.retired\nlevel:")
    after = compiled(root)
    assert after.renames == {"demo.alpha": "demo.first-steps", "demo.retired": "demo.gamma"}

    moved, problem = asyncio.run(move_renamed(store, after))
    assert (moved, problem) == (5, "")  # 2 marks, 2 notes, 1 conversation
    book, notes = ProgressBook(store), NoteBook(store)

    async def reload() -> None:
        await book.load()
        await notes.load()

    asyncio.run(reload())
    assert book.progress.status("demo.first-steps") == "done"
    assert book.progress.status("demo.beta") == "learning"
    assert book.progress.status("demo.gamma") == "done"  # the merged topic's done wins
    assert set(book.progress.marks) == {"demo.first-steps", "demo.beta", "demo.gamma"}
    share = book.progress.share(after.roadmap("demo", "en").topic_ids)
    assert (share.finished, share.total) == (2, 3)
    assert notes.get("demo.first-steps").text == "alpha: **first** note"  # type: ignore[union-attr]
    assert notes.get("demo.gamma").text == (  # type: ignore[union-attr]
        "gamma's own note" + NOTE_JOIN + "what I wrote on the retired topic")
    assert asyncio.run(store.get("conversations", "demo.first-steps")) == [{"question": "why?"}]
    assert asyncio.run(store.get("conversations", "demo.alpha")) is None
    # Loading again moves nothing and changes nothing.
    texts = dict(store.texts)
    assert asyncio.run(move_renamed(store, after)) == (0, "")
    assert store.texts == texts


def test_a_full_disk_moves_nothing_and_keeps_every_old_entry() -> None:
    store = MemoryStore()
    asyncio.run(store.put("progress", "py.gone", {"status": "done", "at": 1}))
    store.quota_bytes = 1  # nothing more fits
    library = Library.from_dict({**_data(), "renames": {"py.gone": "py.c"}})
    moved, problem = asyncio.run(move_renamed(store, library))
    assert moved == 0 and "could not be moved yet" in problem and "Not enough space" in problem
    assert asyncio.run(store.get("progress", "py.gone")) == {"status": "done", "at": 1}


def _data() -> dict[str, object]:
    from tests.app.core.library.test_catalog import DATA
    return DATA


def test_the_plan_merges_without_dropping_and_leaves_other_collections_alone() -> None:
    stored = {
        "progress": [("a.old", {"status": "learning", "at": 9}), ("a.new", {"status": "done", "at": 1})],
        "notes": [("a.old", {"text": "old", "at": 1})],
        "cards": [("a.old", {"anything": 1})],
    }
    todo = plan(stored, {"a.old": "a.new"}.get)
    assert todo.writes == [("progress", "a.new", {"status": "done", "at": 1}),
                           ("notes", "a.new", {"text": "old", "at": 1})]
    assert todo.deletes == [("progress", "a.old"), ("notes", "a.old")]
    assert plan({"progress": [("a.x", {"status": "done", "at": 1})]}, {}.get).writes == []


def test_merge_rules() -> None:
    assert merge_marks({"status": "learning", "at": 5}, {"status": "skipped", "at": 1})["status"] == "skipped"
    assert merge_marks({"status": "done", "at": 5}, {"status": "done", "at": 7})["at"] == 7
    assert merge_marks({"status": "done", "at": 5}, "garbage") == {"status": "done", "at": 5}
    joined = merge_notes({"text": "new", "at": 9}, {"text": "old", "at": 2})
    assert joined == {"text": "old" + NOTE_JOIN + "new", "at": 9}
    assert merge_notes(joined, {"text": "old", "at": 2}) == joined  # a repeated move adds nothing
    assert merge_lists([{"q": 2}], [{"q": 1}, {"q": 2}]) == [{"q": 1}, {"q": 2}]
