"""The AI models kept on this device, as the model manager and the tutor's consent see them.

``ModelShelf`` asks the worker's model store (``Inference.models``) what each model of the
manifest needs here and what is stored, and downloads, deletes or verifies one model at a
time per model, reporting every step through ``on_change``. A failure is kept per model
(``outcomes``) with the worker's message, never raised to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.core.errors import TropaError
from app.ports import Inference

State = Literal["stored", "partial", "absent"]
Task = Literal["download", "verify", "delete"]


@dataclass(frozen=True)
class StoredModel:
    """One ``contracts.protocol.RECORDS["model_state"]`` record."""

    id: str
    role: str
    tier: str
    device: str
    dtype: str
    size: int  # bytes a load on this device needs
    stored: int  # bytes kept in the model store, every dtype
    complete: bool

    @property
    def state(self) -> State:
        if self.complete:
            return "stored"
        return "partial" if self.stored > 0 else "absent"

    @property
    def missing(self) -> int:
        """Bytes still to download before it loads without the network."""
        return 0 if self.complete else max(self.size - self.stored, 0)

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> StoredModel:
        return cls(str(record["id"]), str(record["role"]), str(record["tier"]), str(record["device"]),
                   str(record["dtype"]), int(record["size"]), int(record["stored"]),
                   bool(record["complete"]))


@dataclass(frozen=True)
class Storage:
    usage: int
    quota: int
    persisted: bool

    @property
    def free(self) -> int:
        return max(self.quota - self.usage, 0)


@dataclass(frozen=True)
class Outcome:
    """How the last task on a model ended: ``ok`` with its figures, or the error's text."""

    task: Task
    ok: bool
    bytes: int = 0  # downloaded, freed or checked
    bad: int = 0  # damaged chunks found by a verify (deleted, fetched again later)
    error: str = ""


class ModelShelf:
    def __init__(self, inference: Inference, force_webgpu: bool,
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.inference = inference
        self.force_webgpu = force_webgpu
        self.on_change = on_change
        self.models: list[StoredModel] | None = None  # None until first listed
        self.storage: Storage | None = None
        self.error = ""  # why the list could not be read
        self.running: dict[str, Task] = {}
        self.progress: dict[str, tuple[int, int]] = {}  # model → (bytes done, total)
        self.outcomes: dict[str, Outcome] = {}

    def model(self, model_id: str) -> StoredModel | None:
        return next((m for m in self.models or [] if m.id == model_id), None)

    async def refresh(self) -> None:
        """List the models again; ``on_change`` only when something differs (a page that
        refreshes each time it is drawn must not draw itself forever)."""
        before = (self.models, self.storage, self.error)
        try:
            await self._list()
        except TropaError as error:
            self.error = str(error)
        else:
            self.error = ""
        if (self.models, self.storage, self.error) != before:
            self.on_change()

    async def _list(self) -> None:
        result = await self.inference.models(self.force_webgpu)
        self.models = [StoredModel.of(record) for record in result["models"]]
        self.storage = Storage(int(result["usage"]), int(result["quota"]), bool(result["persisted"]))

    async def missing(self, model_ids: Iterable[str]) -> list[StoredModel]:
        """Of ``model_ids``, those not wholly on this device, listed afresh; raises the
        worker's TropaError when the store cannot be read."""
        await self._list()
        wanted = set(model_ids)
        return [m for m in self.models or [] if m.id in wanted and not m.complete]

    async def run(self, task: Task, model_id: str) -> None:
        """Download, verify or delete ``model_id``; one task per model at a time."""
        if model_id in self.running:
            return
        self.running[model_id] = task
        self.outcomes.pop(model_id, None)
        self.on_change()

        def progress(done: int, total: int, _file: str) -> None:
            self.progress[model_id] = (done, total)
            self.on_change()

        try:
            self.outcomes[model_id] = await self._do(task, model_id, progress)
        except TropaError as error:
            self.outcomes[model_id] = Outcome(task, False, error=str(error))
        finally:
            self.running.pop(model_id, None)
            self.progress.pop(model_id, None)
        await self.refresh()
        self.on_change()

    async def _do(self, task: Task, model_id: str, progress: Callable[[int, int, str], None]) -> Outcome:
        if task == "download":
            result = await self.inference.download(model_id, self.force_webgpu, progress)
            return Outcome(task, True, int(result["fetched"]))
        if task == "verify":
            result = await self.inference.verify(model_id, self.force_webgpu, progress)
            return Outcome(task, True, int(result["bytes"]), int(result["bad"]))
        return Outcome(task, True, await self.inference.delete(model_id))
