"""``Inference`` on the browser: a client of the ML worker (``worker/ml-worker.js``).

Messages follow ``app.core.protocol``. Every wait has a timeout that restarts whenever
the worker reports progress or a token for that request, so a 600 MB download does
not time out while it moves, and a silent worker never hangs the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from js import Object, Worker  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, to_js  # type: ignore[import-not-found]

from app.core import protocol
from app.core.errors import InferenceError

WORKER_URL = "/worker/ml-worker.js"

# Seconds of silence after which a request is given up.
TIMEOUTS = {
    "hello": 60, "probe": 60, "load": 300, "embed": 180, "index": 120, "search": 60,
    "generate": 300, "interrupt": 15, "unload": 30,
}


@dataclass
class _Pending:
    kind: str
    future: asyncio.Future[Any]
    last_activity: float
    on_progress: Callable[[int, int, str], None] | None = None
    on_token: Callable[[str], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _py(value: Any) -> Any:
    return value.to_py() if hasattr(value, "to_py") else value


class WorkerClient:
    def __init__(self, url: str = WORKER_URL) -> None:
        self.url = url
        self._worker: Any = None
        self._proxies: list[Any] = []
        self._pending: dict[int, _Pending] = {}
        self._next_id = 1
        self._generation: int | None = None

    # -- plumbing -----------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._worker is not None:
            return
        self._worker = Worker.new(self.url, to_js({"type": "module"}, dict_converter=Object.fromEntries))
        for event, handler in (("message", self._receive), ("error", self._crashed),
                               ("messageerror", self._crashed)):
            proxy = create_proxy(handler)
            self._worker.addEventListener(event, proxy)
            self._proxies.append((event, proxy))

    def close(self) -> None:
        """Terminate the worker and release the event proxies."""
        if self._worker is None:
            return
        for event, proxy in self._proxies:
            self._worker.removeEventListener(event, proxy)
            proxy.destroy()
        self._proxies.clear()
        self._worker.terminate()
        self._worker = None
        self._fail_all(InferenceError("the ML worker was closed", "failed"))

    def _fail_all(self, error: InferenceError) -> None:
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(error)
        self._pending.clear()

    def _crashed(self, event: Any) -> None:
        message = getattr(event, "message", None) or "it could not be started or crashed"
        self._worker = None
        self._fail_all(InferenceError(f"the ML worker stopped: {message}", "failed"))

    def _receive(self, event: Any) -> None:
        data = event.data
        pending = self._pending.get(int(data.id))
        if pending is None:
            return  # a reply to a request we already gave up on
        kind = str(data.type)
        pending.last_activity = asyncio.get_event_loop().time()
        if kind == "progress" and pending.on_progress:
            pending.on_progress(int(data.loaded), int(data.total), str(data.file))
        elif kind == "token" and pending.on_token:
            pending.on_token(str(data.text))
        elif kind == "result":
            self._pending.pop(int(data.id), None)
            if not pending.future.done():
                pending.future.set_result(data.payload)
        elif kind == "error":
            self._pending.pop(int(data.id), None)
            if not pending.future.done():
                pending.future.set_exception(InferenceError(str(data.message), str(data.code)))

    async def _call(self, kind: str, payload: dict[str, Any], **callbacks: Any) -> Any:
        self._ensure_worker()
        message_id, self._next_id = self._next_id, self._next_id + 1
        message = protocol.request(message_id, kind, payload)
        loop = asyncio.get_event_loop()
        pending = _Pending(kind, loop.create_future(), loop.time(), **callbacks)
        self._pending[message_id] = pending
        if kind == "generate":
            self._generation = message_id
        self._worker.postMessage(to_js(message, dict_converter=Object.fromEntries))
        limit = TIMEOUTS[kind]
        try:
            while True:
                remaining = pending.last_activity + limit - loop.time()
                if remaining <= 0:
                    self._pending.pop(message_id, None)
                    raise InferenceError(
                        f"the ML worker did not answer '{kind}' for {limit} s", "timeout")
                try:
                    return await asyncio.wait_for(asyncio.shield(pending.future), remaining)
                except TimeoutError:
                    continue
        finally:
            if self._generation == message_id:
                self._generation = None

    # -- the Inference port -------------------------------------------------------------
    async def hello(self) -> dict[str, Any]:
        result: dict[str, Any] = _py(await self._call("hello", {}))
        return result

    async def probe(self, force_webgpu: bool) -> dict[str, Any]:
        result: dict[str, Any] = _py(await self._call("probe", {"force_webgpu": force_webgpu}))
        return result

    async def load(self, model: str, role: str, force_webgpu: bool,
                   on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "role": role, "force_webgpu": force_webgpu}
        result: dict[str, Any] = _py(await self._call("load", payload, on_progress=on_progress))
        return result

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]:
        result = await self._call("embed", {"model": model, "texts": texts, "prefix": prefix})
        dim = int(result.dim)
        flat = result.vectors.to_py().tolist()  # Float32Array → memoryview → floats
        return [flat[i:i + dim] for i in range(0, len(flat), dim)]

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]:
        payload = {"url": url, "count": count, "dim": dim, "sha256": sha256}
        result: dict[str, Any] = _py(await self._call("index", payload))
        return result

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]:
        result = _py(await self._call("search", {"vector": vector, "k": k, "rows": rows}))
        return [(int(row), float(score)) for row, score in result["hits"]]

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "messages": messages, "max_new_tokens": max_new_tokens}
        result: dict[str, Any] = _py(await self._call("generate", payload, on_token=on_token))
        return result

    async def interrupt(self) -> bool:
        if self._generation is None:
            return False
        result = _py(await self._call("interrupt", {"target": self._generation}))
        return bool(result.get("interrupted"))

    async def unload(self, model: str) -> None:
        await self._call("unload", {"model": model})
