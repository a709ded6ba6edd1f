from __future__ import annotations

import asyncio

import pytest

from app.core.errors import InferenceError
from app.services import pipelines
from app.services.pipelines import PipelineState
from tests.fakes import FakeInference


def test_loading_reports_progress_then_where_it_runs() -> None:
    state = PipelineState("gen-x", "generator")
    seen: list[tuple[str, int]] = []
    asyncio.run(pipelines.load(FakeInference(), state, False,
                               lambda: seen.append((state.phase, state.loaded))))
    assert seen[0] == ("loading", 0) and ("loading", 400) in seen and seen[-1] == ("ready", 1000)
    assert (state.device, state.dtype, state.reason) == ("wasm", "q8", "no-adapter")
    state.ran_on({"device": "wasm"})
    assert state.reason == "no-adapter"  # same device: nothing changed
    state.ran_on({"device": "webgpu", "reason": "adapter"})
    assert (state.device, state.reason) == ("webgpu", "adapter")


def test_a_failed_load_marks_the_state_and_raises() -> None:
    state = PipelineState("gen-x", "generator")
    with pytest.raises(InferenceError, match="corrupt"):
        asyncio.run(pipelines.load(FakeInference(fail_load={"gen-x": "corrupt"}), state, False, lambda: None))
    assert state.phase == "failed" and state.error == "corrupt"
