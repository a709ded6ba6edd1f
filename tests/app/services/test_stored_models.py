"""ModelShelf on the fake worker: list, download with progress, verify, delete; a failure
is kept per model with the worker's message."""

from __future__ import annotations

import asyncio

from app.services.stored_models import ModelShelf, Outcome
from tests.fakes import MODEL_BYTES, FakeInference


def test_a_model_is_downloaded_verified_and_deleted() -> None:
    fake = FakeInference()
    seen: list[tuple[dict[str, str], dict[str, tuple[int, int]]]] = []
    shelf = ModelShelf(fake, False,
                       on_change=lambda: seen.append((dict(shelf.running), dict(shelf.progress))))

    async def walk() -> None:
        await shelf.refresh()
        states = [(m.id, m.state) for m in shelf.models or []]
        assert states == [("embedder-x", "absent"), ("gen-x", "absent")]
        assert shelf.storage is not None and shelf.storage.free == shelf.storage.quota
        await shelf.run("download", "gen-x")
        moving = [progress["gen-x"] for running, progress in seen if running == {"gen-x": "download"}
                  and "gen-x" in progress]
        assert moving[-1] == (MODEL_BYTES, MODEL_BYTES) and any(0 < d < t for d, t in moving)
        model = shelf.model("gen-x")
        assert model is not None and model.state == "stored" and model.missing == 0
        assert shelf.outcomes["gen-x"] == Outcome("download", True, MODEL_BYTES)
        assert shelf.running == {} and shelf.progress == {}
        await shelf.run("verify", "gen-x")
        assert shelf.outcomes["gen-x"] == Outcome("verify", True, MODEL_BYTES, 0)
        assert [m.id for m in await shelf.missing(["gen-x", "embedder-x"])] == ["embedder-x"]
        await shelf.run("delete", "gen-x")
        assert shelf.outcomes["gen-x"] == Outcome("delete", True, MODEL_BYTES)
        model = shelf.model("gen-x")
        assert model is not None and model.state == "absent"

    asyncio.run(walk())


def test_a_failure_is_kept_with_the_workers_message() -> None:
    fake = FakeInference()
    fake.quota = MODEL_BYTES // 2
    shelf = ModelShelf(fake, False)
    asyncio.run(shelf.run("download", "gen-x"))
    outcome = shelf.outcomes["gen-x"]
    assert not outcome.ok and "not enough space for gen-x" in outcome.error
    assert shelf.running == {}


def test_a_refresh_that_changes_nothing_draws_nothing() -> None:
    calls: list[int] = []
    shelf = ModelShelf(FakeInference(), False, on_change=lambda: calls.append(1))
    asyncio.run(shelf.refresh())
    asyncio.run(shelf.refresh())
    assert calls == [1]
