"""The real ``WorkerClient`` under CPython, against a fake ``js.Worker``.

The fake stands where the browser is (we cannot run Pyodide here): it records what the
client posts and lets a test answer as the worker would, or fail to. ``js`` and
``pyscript.ffi`` are replaced by small modules with the same names and calls; the
client's code is the shipped one. The real worker is tested in Chromium (tests/worker).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import pytest

from app.core.errors import InferenceError
from contracts import protocol


class FakeWorker:
    """``new Worker(url, {type: "module"})``: listeners, posted messages, terminate."""

    created: ClassVar[list[FakeWorker]] = []

    def __init__(self, url: str, options: Any) -> None:
        self.url, self.options = url, options
        self.listeners: dict[str, list[Callable[[Any], None]]] = {}
        self.posted: list[dict[str, Any]] = []
        self.terminated = False
        FakeWorker.created.append(self)

    @classmethod
    def new(cls, url: str, options: Any) -> FakeWorker:
        return cls(url, options)

    def addEventListener(self, event: str, handler: Callable[[Any], None]) -> None:
        self.listeners.setdefault(event, []).append(handler)

    def removeEventListener(self, event: str, handler: Callable[[Any], None]) -> None:
        self.listeners[event].remove(handler)

    def postMessage(self, message: dict[str, Any]) -> None:
        self.posted.append(message)

    def terminate(self) -> None:
        self.terminated = True

    def emit(self, event: str, **fields: Any) -> None:
        for handler in list(self.listeners.get(event, [])):
            handler(types.SimpleNamespace(**fields))

    def reply(self, **message: Any) -> None:
        self.emit("message", data=message)


class Proxy:
    def __init__(self, func: Callable[[Any], None]) -> None:
        self.func, self.destroyed = func, False

    def __call__(self, event: Any) -> None:
        self.func(event)

    def destroy(self) -> None:
        self.destroyed = True


@pytest.fixture
def bridge(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    js = types.ModuleType("js")
    js.Worker = FakeWorker  # type: ignore[attr-defined]
    js.Object = types.SimpleNamespace(fromEntries=dict)  # type: ignore[attr-defined]
    ffi = types.ModuleType("pyscript.ffi")
    ffi.create_proxy = Proxy  # type: ignore[attr-defined]
    ffi.to_js = lambda value, dict_converter=None: value  # type: ignore[attr-defined]
    ffi.is_none = lambda value: value is None  # type: ignore[attr-defined]
    pyscript = types.ModuleType("pyscript")
    pyscript.ffi = ffi  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "js", js)
    monkeypatch.setitem(sys.modules, "pyscript", pyscript)
    monkeypatch.setitem(sys.modules, "pyscript.ffi", ffi)
    monkeypatch.delitem(sys.modules, "app.bridge.worker", raising=False)
    FakeWorker.created.clear()
    yield importlib.import_module("app.bridge.worker")
    sys.modules.pop("app.bridge.worker", None)


HELLO = {"protocol": protocol.VERSION, "handles": list(protocol.REQUESTS), "isolated": True, "threads": 2}


async def settle() -> None:
    """Let the client's tasks run until they wait on the worker again."""
    for _ in range(5):
        await asyncio.sleep(0)


async def started(client: Any, call: Any) -> tuple[asyncio.Task[Any], FakeWorker]:
    """Start ``call``, answer the handshake, return the task and the worker."""
    task = asyncio.ensure_future(call)
    await settle()
    worker = FakeWorker.created[-1]
    hello = worker.posted[0]
    assert hello["type"] == "hello" and hello["payload"] == {"protocol": protocol.VERSION}
    worker.reply(id=hello["id"], type="result", payload=HELLO)
    await settle()
    return task, worker


def test_the_first_call_shakes_hands_then_sends_the_checked_request(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        task, worker = await started(client, client.probe(False))
        request = worker.posted[1]
        assert (request["type"], request["payload"]) == ("probe", {"force_webgpu": False})
        payload = {"device": "wasm", "reason": "no-adapter", "detail": "", "adapter": None, "f16": False}
        worker.reply(id=request["id"], type="result", payload=payload)
        assert await task == payload
        assert await client.hello() == HELLO and len(worker.posted) == 2  # asked once
        with pytest.raises(InferenceError, match="payload lacks field 'prefix'") as bad:
            await client._call("embed", {"model": "m", "texts": []})
        assert bad.value.code == "bad-request" and len(worker.posted) == 2  # never sent

    asyncio.run(scenario())


def test_a_worker_of_another_version_is_refused(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        task = asyncio.ensure_future(client.probe(False))
        await settle()
        worker = FakeWorker.created[-1]
        worker.reply(id=worker.posted[0]["id"], type="result", payload={**HELLO, "protocol": 1})
        with pytest.raises(InferenceError, match="speaks protocol 1") as refused:
            await task
        assert refused.value.code == "incompatible"
        assert len(worker.posted) == 1  # the probe was never sent

    asyncio.run(scenario())


def test_progress_extends_the_timeout_and_silence_ends_it(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient(timeouts={"load": 0.5})
        seen: list[tuple[int, int, str]] = []
        load = client.load("m", "generator", False, on_progress=lambda *p: seen.append(p))
        task, worker = await started(client, load)
        request_id = worker.posted[1]["id"]
        for step in range(8):  # 1.6 s in all: longer than the timeout, but never silent for long
            await asyncio.sleep(0.2)
            worker.reply(id=request_id, type="progress", loaded=step, total=8, file="onnx/model.onnx")
        result = {"model": "m", "device": "wasm", "dtype": "q8", "reason": "no-adapter", "detail": "",
                  "files": 1, "bytes": 8, "load_ms": 1.0, "warm_ms": 1.0}
        worker.reply(id=request_id, type="result", payload=result)
        assert await task == result and len(seen) == 8

        silent = asyncio.ensure_future(client.load("m2", "generator", False))
        with pytest.raises(InferenceError, match=r"did not answer 'load' for 0\.5 s") as timed_out:
            await silent
        assert timed_out.value.code == "timeout"

    asyncio.run(scenario())


def test_a_crashed_worker_fails_what_waits_and_the_next_call_starts_a_new_one(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        task, worker = await started(client, client.probe(False))
        worker.emit("error", message="out of memory")
        with pytest.raises(InferenceError, match="the ML worker stopped: out of memory") as crashed:
            await task
        assert crashed.value.code == "crashed"
        again, second = await started(client, client.unload("m"))
        assert second is not worker and len(FakeWorker.created) == 2
        second.reply(id=second.posted[1]["id"], type="result", payload={"unloaded": False})
        await again

    asyncio.run(scenario())


def test_an_error_without_an_id_fails_the_unanswered_requests_at_once(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        first, worker = await started(client, client.load("m", "generator", False))
        worker.reply(id=worker.posted[1]["id"], type="progress", loaded=1, total=2, file="f")
        second = asyncio.ensure_future(client.unload("other"))
        await settle()
        worker.reply(id=protocol.UNKNOWN_ID, type="error", code="bad-request",
                     message="a request could not be deserialized")
        with pytest.raises(InferenceError, match="could not be deserialized"):
            await asyncio.wait_for(second, 1)
        assert not first.done()  # it had answered: it is alive, and still waits
        first.cancel()

    asyncio.run(scenario())


def test_a_reply_that_breaks_the_protocol_fails_its_request(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        task, worker = await started(client, client.search([0.1], 3, []))
        worker.reply(id=worker.posted[1]["id"], type="result", payload={"hits": [], "extra": 1})
        with pytest.raises(InferenceError, match="search result has unknown fields: extra") as broken:
            await task
        assert broken.value.code == "bad-reply"

        tokens = asyncio.ensure_future(client.search([0.1], 3, []))
        await settle()
        worker.reply(id=worker.posted[2]["id"], type="token", text="x")
        with pytest.raises(InferenceError, match="a search request gets no token replies"):
            await tokens

    asyncio.run(scenario())


def test_worker_errors_keep_their_code_and_close_releases_everything(bridge: Any) -> None:
    async def scenario() -> None:
        client = bridge.WorkerClient()
        task, worker = await started(client, client.embed("m", ["a"], "query: "))
        worker.reply(id=worker.posted[1]["id"], type="error", code="not-loaded",
                     message='model "m" is not loaded')
        with pytest.raises(InferenceError, match="is not loaded") as error:
            await task
        assert error.value.code == "not-loaded"
        waiting = asyncio.ensure_future(client.unload("m"))
        await settle()
        client.close()
        with pytest.raises(InferenceError, match="closed"):
            await waiting
        assert worker.terminated and all(not handlers for handlers in worker.listeners.values())

    asyncio.run(scenario())


def test_embed_unpacks_a_flat_float32_result(bridge: Any) -> None:
    async def scenario() -> None:
        import array

        client = bridge.WorkerClient()
        task, worker = await started(client, client.embed("m", ["a", "b"], "query: "))
        flat = memoryview(array.array("f", [1.0, 0.0, 0.0, 1.0]))
        worker.reply(id=worker.posted[1]["id"], type="result", payload={"vectors": flat, "dim": 2})
        assert await task == [[1.0, 0.0], [0.0, 1.0]]

    asyncio.run(scenario())
