"""The ML worker in real Chromium, served by the real server from a test dist.

The test dist holds what the worker needs and nothing else: the vendored Transformers.js
and ORT Web files (hard links into node_modules, as the site build lays them out), the
worker written by the site build's own ``build_worker`` from the current sources, the tiny
models from the real model build, and a vectors file with known contents.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import struct
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Page

from builder.chunks import write_chunks
from builder.site import build_worker
from builder.vendor import PACKAGES, package_version
from contracts import protocol
from tests.conftest import ROOT, serve_dist

HERE = Path(__file__).parent
DRIVER = (HERE / "driver.js").read_text(encoding="utf-8")
# The worker wrapped by tests/worker/hooked-worker.js, served from the test dist only.
HOOKED_WORKER = "/worker-test/hooked-worker.js"
NEEDED_PACKAGES = ("transformers", "onnxruntime-web")

# Seconds to wait for a final reply. Loads on SwiftShader WebGPU compile shaders on the CPU.
WASM_TIMEOUT = 90
WEBGPU_TIMEOUT = 240

STORE_CHUNK_BYTES = 64 * 1024
VECTORS_COUNT = 300
VECTORS_DIM = 32


def check_reply(kind: str | None, reply: dict[str, Any]) -> None:
    """``contracts.protocol.check_reply`` on a reply as the driver records it (with its
    arrival time, and a typed array as a list plus its type name)."""
    payload = reply.get("payload")
    if isinstance(payload, dict) and "vectors_type" in payload:
        assert payload["vectors_type"] == "Float32Array", payload["vectors_type"]
        payload = {k: v for k, v in payload.items() if k != "vectors_type"}
    protocol.check_reply(kind if kind in protocol.REQUESTS else None, {**reply, "payload": payload}
                         if "payload" in reply else reply)


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def write_vectors(path: Path) -> dict[str, Any]:
    """Random unit vectors, float32 little-endian; returns {url, count, dim, sha256, rows}."""
    rng = random.Random(20240607)
    rows = []
    for _ in range(VECTORS_COUNT):
        raw = [rng.gauss(0, 1) for _ in range(VECTORS_DIM)]
        norm = sum(x * x for x in raw) ** 0.5
        # Round through float32 so Python sees exactly the numbers the worker reads.
        packed = struct.pack(f"<{VECTORS_DIM}f", *(x / norm for x in raw))
        rows.append(list(struct.unpack(f"<{VECTORS_DIM}f", packed)))
    data = b"".join(struct.pack(f"<{VECTORS_DIM}f", *row) for row in rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return {"url": f"/content/{path.name}", "count": VECTORS_COUNT, "dim": VECTORS_DIM,
            "sha256": hashlib.sha256(data).hexdigest(), "rows": rows}


@pytest.fixture(scope="session")
def worker_dist(tmp_path_factory: pytest.TempPathFactory, tiny_models: Path) -> Path:
    out = tmp_path_factory.mktemp("worker-dist")
    node_modules = ROOT / "node_modules"
    urls = {}
    for package in PACKAGES:
        if package.name not in NEEDED_PACKAGES:
            continue
        folder = f"{package.name}@{package_version(node_modules, package)}"
        target = out / "vendor" / folder
        target.mkdir(parents=True)
        for pattern in package.files:
            for source in sorted((node_modules / package.npm).glob(pattern)):
                link_or_copy(str(source), str(target / source.name))
        urls[package.name] = f"/vendor/{folder}"
    build_worker(out, urls)
    (out / HOOKED_WORKER.lstrip("/")).parent.mkdir()
    shutil.copyfile(HERE / "hooked-worker.js", out / HOOKED_WORKER.lstrip("/"))
    shutil.copytree(tiny_models, out / "models", copy_function=link_or_copy)
    # Small chunks, so that the tiny ONNX files have several (Range requests, resume).
    write_chunks(out / "models", chunk_bytes=STORE_CHUNK_BYTES)
    return out


@pytest.fixture(scope="session")
def vectors(worker_dist: Path) -> dict[str, Any]:
    return write_vectors(worker_dist / "content" / "vectors.f32")


@pytest.fixture(scope="session")
def manifest(worker_dist: Path) -> dict[str, Any]:
    """The test dist's models/manifest.json (the tiny models only)."""
    document: dict[str, Any] = json.loads((worker_dist / "models/manifest.json").read_text(encoding="utf-8"))
    return document


@pytest.fixture(scope="session")
def worker_url(worker_dist: Path, vectors: dict[str, Any],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_dist(worker_dist, tmp_path_factory.mktemp("worker-server")) as url:
        yield url


@pytest.fixture
def variant_url(
    worker_dist: Path, vectors: dict[str, Any], tmp_path: Path
) -> Iterator[Callable[[Callable[[Path], None]], str]]:
    """Serve a copy of the test dist changed by ``edit(root)``; returns the server's URL.
    The copy is hard links: ``edit`` must replace a file (unlink, then write), never
    modify it in place."""
    with ExitStack() as stack:

        def serve(edit: Callable[[Path], None]) -> str:
            root = tmp_path / "dist"
            shutil.copytree(worker_dist, root, copy_function=link_or_copy)
            edit(root)
            return stack.enter_context(serve_dist(root, tmp_path / "server"))

        yield serve


class WorkerDriver:
    """One worker in one page, driven through tests/worker/driver.js.

    ``call`` returns every reply of a request (progress and token replies, then the
    final result or error); ``result`` and ``error`` check which one ended it. Every
    reply is checked against ``contracts.protocol`` too, as the Python client checks it
    (the worker has already checked it against protocol.json before posting it).
    """

    def __init__(self, page: Page, url: str, requests: list[str]) -> None:
        self.page = page
        self.url = url
        self.requests = requests
        self.kinds: dict[int, str] = {}

    def send(self, kind: str, payload: Any) -> int:
        request_id = int(self.page.evaluate("([k, p]) => mlWorker.send(k, p)", [kind, payload]))
        self.kinds[request_id] = kind
        return request_id

    def send_raw(self, message: Any) -> None:
        self.page.evaluate("(m) => mlWorker.sendRaw(m)", message)

    def done(self, request_id: int, timeout: float = WASM_TIMEOUT) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = self.page.evaluate(
            "([id, ms]) => mlWorker.done(id, ms)", [request_id, timeout * 1000])
        for reply in replies:
            check_reply(self.kinds.get(request_id), reply)
        return replies

    def wait_for(self, request_id: int, kind: str, timeout: float = WASM_TIMEOUT) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = self.page.evaluate(
            "([id, kind, ms]) => mlWorker.waitFor(id, kind, ms)", [request_id, kind, timeout * 1000])
        return replies

    def call(self, kind: str, payload: Any, timeout: float = WASM_TIMEOUT) -> list[dict[str, Any]]:
        return self.done(self.send(kind, payload), timeout)

    def result(self, kind: str, payload: Any, timeout: float = WASM_TIMEOUT) -> dict[str, Any]:
        final = self.call(kind, payload, timeout)[-1]
        assert final["type"] == "result", f"{kind} answered {final}"
        result: dict[str, Any] = final["payload"]
        return result

    def error(self, kind: str, payload: Any, timeout: float = WASM_TIMEOUT) -> dict[str, Any]:
        final = self.call(kind, payload, timeout)[-1]
        assert final["type"] == "error", f"{kind} should have failed, answered {final}"
        return final

    def outside_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.url + "/")]


@contextmanager
def open_worker(browser: Browser, url: str, script: str = "/worker/ml-worker.js") -> Iterator[WorkerDriver]:
    """A fresh context and page on ``url`` with the driver running the worker ``script``.
    Every request the page and its workers make is recorded; none may leave the server."""
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    try:
        page = context.new_page()
        # Any document of the app will do; it gets the server's isolation headers.
        page.goto(f"{url}/worker/protocol.json")
        page.evaluate("(script) => { window.mlWorkerUrl = script; }", script)
        page.evaluate(DRIVER)
        driver = WorkerDriver(page, url, requests)
        yield driver
        assert driver.outside_requests() == []
    finally:
        context.close()


@pytest.fixture
def worker(browser: Browser, worker_url: str) -> Iterator[WorkerDriver]:
    """The worker in the default Chromium launch (no WebGPU adapter)."""
    with open_worker(browser, worker_url) as driver:
        yield driver


@pytest.fixture(scope="module")
def webgpu_browser(browser_type: BrowserType, browser_type_launch_args: dict[str, Any]) -> Iterator[Browser]:
    """A Chromium whose WebGPU has an adapter: SwiftShader, a software fallback adapter."""
    args = {**browser_type_launch_args,
            "args": [*browser_type_launch_args.get("args", []), "--enable-unsafe-webgpu"]}
    browser = browser_type.launch(**args)
    yield browser
    browser.close()


def manifest_entry(manifest: dict[str, Any], model_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = next(m for m in manifest["models"] if m["id"] == model_id)
    return entry


def files_of(entry: dict[str, Any], dtype: str) -> list[dict[str, Any]]:
    """The manifest files a load at ``dtype`` needs: configs, tokenizer, one ONNX file."""
    onnx = entry["dtype_files"][dtype]
    return [f for f in entry["files"] if not f["path"].startswith("onnx/") or f["path"] == onnx]
