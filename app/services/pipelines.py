"""The worker's loaded pipelines (embedder, generator) as the tutor tracks them.

"Pipeline" here is one model loaded in the ML worker for one role, with the device
and dtype it runs on; the model build under ``models/`` is a different thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from app.core.errors import TropaError
from app.ports import Inference

Phase = Literal["idle", "loading", "ready", "failed"]
PHASES: tuple[Phase, ...] = get_args(Phase)
Role = Literal["embedder", "generator"]


@dataclass
class PipelineState:
    """What the UI shows about one pipeline: phase, device, dtype, download progress."""

    id: str
    role: Role
    phase: Phase = "idle"
    device: str = ""
    dtype: str = ""
    reason: str = ""  # a device reason code of contracts.protocol
    detail: str = ""  # what the worker said more (an error's text), may be empty
    loaded: int = 0
    total: int = 0
    error: str = ""

    def ran_on(self, result: Mapping[str, Any]) -> None:
        """Take note of the device a run reports (WebGPU can fall back to WASM mid-run)."""
        device = str(result.get("device") or "")
        if device and device != self.device:
            self.device = device
            self.reason = str(result.get("reason", ""))
            self.detail = str(result.get("detail", ""))


async def load(inference: Inference, state: PipelineState, force_webgpu: bool,
               on_change: Callable[[], None]) -> None:
    """Load ``state``'s model in the worker, reporting each step through ``on_change``.

    Raises the worker's TropaError after marking the state failed with its message.
    """
    state.phase = "loading"
    on_change()

    def progress(loaded: int, total: int, _file: str) -> None:
        state.loaded, state.total = loaded, total
        on_change()

    try:
        result = await inference.load(state.id, state.role, force_webgpu, progress)
    except TropaError as error:
        state.phase, state.error = "failed", str(error)
        on_change()
        raise
    state.phase = "ready"
    state.device = str(result.get("device", ""))
    state.dtype = str(result.get("dtype", ""))
    state.reason = str(result.get("reason", ""))
    state.detail = str(result.get("detail", ""))
    on_change()
