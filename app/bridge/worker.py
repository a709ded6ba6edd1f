"""``Inference`` on the browser: a client of the ML worker (``worker/ml-worker.js``).

Messages follow ``contracts.protocol``: every request is checked before it is sent and
every reply when it arrives; a reply that breaks the protocol fails its request with
code ``bad-reply``. The first call starts the worker and shakes hands (``hello`` with
the protocol version; a worker of another version or request set is refused with
``incompatible``). Every wait has the request type's timeout, restarted whenever the
worker reports progress or a token for that request, so a 600 MB download does not
time out while it moves, and a silent worker never hangs the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from js import Object, Worker  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, is_none, to_js  # type: ignore[import-not-found]

from app.core.errors import InferenceError
from contracts import protocol

WORKER_URL = "/worker/ml-worker.js"


@dataclass
class _Pending:
    kind: str
    future: asyncio.Future[Any]
    last_activity: float
    on_progress: Callable[[int, int, str], None] | None = None
    on_token: Callable[[str], None] | None = None
    answered: bool = False  # a progress or token reply came


def plain(value: Any) -> Any:
    """``value`` as Python data: JS objects converted, JS ``null`` as None (Pyodide
    keeps ``null`` as ``jsnull``, which is not None), typed arrays as memoryviews."""
    if hasattr(value, "to_py"):
        value = value.to_py()
    if value is not None and is_none(value):
        return None
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


class WorkerClient:
    """The ML worker seen from Python; one worker per client, started on first use."""

    def __init__(self, url: str = WORKER_URL, timeouts: Mapping[str, float] | None = None) -> None:
        """``timeouts`` overrides the protocol's seconds of silence per request type."""
        self.url = url
        self.timeouts = {kind: float(spec.timeout_s) for kind, spec in protocol.REQUESTS.items()}
        self.timeouts.update(timeouts or {})
        self._worker: Any = None
        self._proxies: list[Any] = []
        self._pending: dict[int, _Pending] = {}
        self._next_id = 1
        self._generation: int | None = None
        self._hello: asyncio.Future[dict[str, Any]] | None = None

    # -- plumbing -----------------------------------------------------------------------
    def _ensure_worker(self) -> None:
        if self._worker is not None:
            return
        self._hello = None
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
        self._fail_all(InferenceError("the ML worker was closed", "crashed"))

    def _fail(self, message_id: int, error: InferenceError) -> None:
        pending = self._pending.pop(message_id, None)
        if pending is not None and not pending.future.done():
            pending.future.set_exception(error)

    def _fail_all(self, error: InferenceError) -> None:
        for message_id in list(self._pending):
            self._fail(message_id, error)

    def _crashed(self, event: Any) -> None:
        message = getattr(event, "message", None) or "it could not be started or crashed"
        self._worker = None
        self._fail_all(InferenceError(f"the ML worker stopped: {message}", "crashed"))

    def _receive(self, event: Any) -> None:
        reply = plain(event.data)
        if not isinstance(reply, dict):
            error = InferenceError(f"the ML worker sent a non-object reply: {reply!r:.80}", "bad-reply")
            self._fail_all(error)
            return
        message_id = reply.get("id")
        if message_id == protocol.UNKNOWN_ID and reply.get("type") == "error":
            self._unreadable(reply)
            return
        if not isinstance(message_id, int) or message_id not in self._pending:
            return  # a reply to a request we already gave up on
        pending = self._pending[message_id]
        try:
            protocol.check_reply(pending.kind, reply)
        except protocol.ProtocolError as error:
            self._fail(message_id, InferenceError(f"the ML worker broke the protocol: {error}", "bad-reply"))
            return
        pending.last_activity = asyncio.get_event_loop().time()
        kind = reply["type"]
        if kind == "progress":
            pending.answered = True
            if pending.on_progress:
                pending.on_progress(reply["loaded"], reply["total"], reply["file"])
        elif kind == "token":
            pending.answered = True
            if pending.on_token:
                pending.on_token(reply["text"])
        elif kind == "result":
            self._pending.pop(message_id, None)
            if not pending.future.done():
                pending.future.set_result(reply["payload"])
        else:
            self._fail(message_id, InferenceError(reply["message"], reply["code"]))

    def _unreadable(self, reply: dict[str, Any]) -> None:
        """An error about a request whose id the worker could not read: it is one of the
        requests that has had no reply yet, and they all fail (the caller may retry)."""
        error = InferenceError(str(reply.get("message", "")), str(reply.get("code", "bad-request")))
        for message_id, pending in list(self._pending.items()):
            if not pending.answered:
                self._fail(message_id, error)

    async def _handshake(self) -> dict[str, Any]:
        """The worker's ``hello`` answer, asked once per worker; raise InferenceError."""
        if self._hello is None:
            loop = asyncio.get_event_loop()
            self._hello = loop.create_future()
            try:
                hello = await self._send("hello", {"protocol": protocol.VERSION}, {})
                handles = sorted(hello["handles"])
                if hello["protocol"] != protocol.VERSION or handles != sorted(protocol.REQUESTS):
                    raise InferenceError(
                        f"the ML worker speaks protocol {hello['protocol']} handling {handles}; "
                        f"this page needs {protocol.VERSION} handling {sorted(protocol.REQUESTS)}: "
                        "reload the page", "incompatible")
                self._hello.set_result(hello)
            except InferenceError as error:
                self._hello.set_exception(error)
                self._hello.exception()  # retrieved: later callers re-raise it
                self._hello = None
                raise
        return await asyncio.shield(self._hello)

    async def _call(self, kind: str, payload: dict[str, Any], **callbacks: Any) -> Any:
        self._ensure_worker()
        await self._handshake()
        return await self._send(kind, payload, callbacks)

    async def _send(self, kind: str, payload: dict[str, Any], callbacks: dict[str, Any]) -> Any:
        message_id, self._next_id = self._next_id, self._next_id + 1
        try:
            message = protocol.request(message_id, kind, payload)
        except protocol.ProtocolError as error:
            raise InferenceError(str(error), "bad-request") from None
        loop = asyncio.get_event_loop()
        pending = _Pending(kind, loop.create_future(), loop.time(), **callbacks)
        self._pending[message_id] = pending
        if kind == "generate":
            self._generation = message_id
        self._worker.postMessage(to_js(message, dict_converter=Object.fromEntries))
        limit = self.timeouts[kind]
        try:
            while True:
                remaining = pending.last_activity + limit - loop.time()
                if remaining <= 0:
                    self._pending.pop(message_id, None)
                    raise InferenceError(f"the ML worker did not answer '{kind}' for {limit:g} s", "timeout")
                try:
                    return await asyncio.wait_for(asyncio.shield(pending.future), remaining)
                except TimeoutError:
                    continue
        finally:
            if self._generation == message_id:
                self._generation = None

    # -- the Inference port -------------------------------------------------------------
    async def hello(self) -> dict[str, Any]:
        """The worker's handshake answer (protocol, handles, isolated, threads)."""
        self._ensure_worker()
        return await self._handshake()

    async def probe(self, force_webgpu: bool) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("probe", {"force_webgpu": force_webgpu})
        return result

    async def load(self, model: str, role: str, force_webgpu: bool,
                   on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "role": role, "force_webgpu": force_webgpu}
        result: dict[str, Any] = await self._call("load", payload, on_progress=on_progress)
        return result

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]:
        result = await self._call("embed", {"model": model, "texts": texts, "prefix": prefix})
        dim = int(result["dim"])
        vectors = result["vectors"]  # a Float32Array arrives as a memoryview of floats
        values = vectors.tolist() if isinstance(vectors, memoryview) else vectors
        flat = [float(v) for v in values]
        return [flat[i:i + dim] for i in range(0, len(flat), dim)]

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]:
        payload = {"url": url, "count": count, "dim": dim, "sha256": sha256}
        result: dict[str, Any] = await self._call("index", payload)
        return result

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]:
        result = await self._call("search", {"vector": vector, "k": k, "rows": rows})
        return [(int(row), float(score)) for row, score in result["hits"]]

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "messages": messages, "max_new_tokens": max_new_tokens}
        result: dict[str, Any] = await self._call("generate", payload, on_token=on_token)
        return result

    async def interrupt(self) -> bool:
        if self._generation is None:
            return False
        result = await self._call("interrupt", {"target": self._generation})
        return bool(result["interrupted"])

    async def unload(self, model: str) -> None:
        await self._call("unload", {"model": model})

    # -- the model store ----------------------------------------------------------------
    async def models(self, force_webgpu: bool) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("models", {"force_webgpu": force_webgpu})
        return result

    async def download(self, model: str, force_webgpu: bool,
                       on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "force_webgpu": force_webgpu}
        result: dict[str, Any] = await self._call("download", payload, on_progress=on_progress)
        return result

    async def delete(self, model: str) -> int:
        result = await self._call("delete", {"model": model})
        return int(result["freed"])

    async def verify(self, model: str, force_webgpu: bool,
                     on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        payload = {"model": model, "force_webgpu": force_webgpu}
        result: dict[str, Any] = await self._call("verify", payload, on_progress=on_progress)
        return result
