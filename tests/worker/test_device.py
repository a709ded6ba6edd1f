"""The device ladder in real Chromium: no adapter, SwiftShader's fallback adapter (used
only when forced), and the fall back to WASM when a WebGPU model does not load.

SwiftShader runs WebGPU on the CPU, 50-200x slower than WASM: tiny models, few tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser

from builder.chunks import write_chunks
from models.embedder import Embedder
from tests.worker.conftest import (
    HOOKED_WORKER,
    STORE_CHUNK_BYTES,
    WEBGPU_TIMEOUT,
    WorkerDriver,
    files_of,
    manifest_entry,
    open_worker,
)

pytestmark = pytest.mark.browser

CHAT = [{"role": "user", "content": "Hi"}]


def webgpu_dtype(entry: dict[str, Any], f16: bool) -> str:
    """The ladder's rule: q4f16 with shader-f16, else the first WebGPU dtype without f16."""
    names: list[str] = entry["dtypes"]["webgpu"]
    if f16 and "q4f16" in names:
        return "q4f16"
    return next(name for name in names if not name.endswith("f16"))


def test_without_the_webgpu_flag_there_is_no_adapter(worker: WorkerDriver) -> None:
    for force in (False, True):
        probe = worker.result("probe", {"force_webgpu": force})
        assert probe["device"] == "wasm"
        assert probe["reason"] in {"no-adapter", "no-webgpu-api"}
        assert probe["adapter"] is None and probe["f16"] is False


@pytest.fixture
def gpu_worker(webgpu_browser: Browser, worker_url: str) -> Any:
    with open_worker(webgpu_browser, worker_url) as driver:
        yield driver


def test_the_fallback_adapter_is_used_only_when_forced(gpu_worker: WorkerDriver) -> None:
    plain = gpu_worker.result("probe", {"force_webgpu": False})
    assert (plain["device"], plain["reason"]) == ("wasm", "fallback-adapter")
    assert plain["adapter"]["fallback"] is True
    forced = gpu_worker.result("probe", {"force_webgpu": True})
    assert (forced["device"], forced["reason"]) == ("webgpu", "forced")
    assert forced["adapter"] == plain["adapter"]
    assert forced["f16"] == ("shader-f16" in forced["adapter"]["features"])
    # A load that is not forced stays on WASM on the same adapter.
    load = gpu_worker.result("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": False})
    assert (load["device"], load["reason"]) == ("wasm", "fallback-adapter")


def test_forced_webgpu_generates_with_the_non_f16_dtype(
    gpu_worker: WorkerDriver, manifest: dict[str, Any]
) -> None:
    probe = gpu_worker.result("probe", {"force_webgpu": True})
    entry = manifest_entry(manifest, "tiny-qwen2")
    load = gpu_worker.result("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": True},
                             WEBGPU_TIMEOUT)
    assert (load["device"], load["reason"]) == ("webgpu", "forced")
    assert load["dtype"] == webgpu_dtype(entry, probe["f16"])
    if not probe["f16"]:  # SwiftShader: no shader-f16, so not the q4f16 file
        assert load["dtype"] == "q4"
    assert load["bytes"] == sum(f["size"] for f in files_of(entry, load["dtype"]))
    replies = gpu_worker.call("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 3},
                              WEBGPU_TIMEOUT)
    result = replies[-1]
    assert result["type"] == "result", result
    assert any(r["type"] == "token" for r in replies[:-1])
    assert 1 <= result["payload"]["tokens"] <= 3
    assert result["payload"]["device"] == "webgpu"


def test_a_model_without_a_webgpu_build_loads_on_wasm_when_forced(
    gpu_worker: WorkerDriver, manifest: dict[str, Any]
) -> None:
    without = [m for m in manifest["models"] if m["tier"] == "tiny" and not m["dtypes"]["webgpu"]]
    assert without, "the tiny models should include one without a WebGPU build"
    entry = without[0]
    load = gpu_worker.result("load", {"model": entry["id"], "role": entry["role"], "force_webgpu": True})
    expected = ("wasm", entry["dtypes"]["wasm"][0], "no-webgpu-build")
    assert (load["device"], load["dtype"], load["reason"]) == expected


def test_forced_webgpu_embeds_with_fp32(gpu_worker: WorkerDriver, tiny_models: Path) -> None:
    load = gpu_worker.result("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": True},
                             WEBGPU_TIMEOUT)
    assert (load["device"], load["dtype"]) == ("webgpu", "fp32")
    texts = ["Loops repeat a block."]
    result = gpu_worker.result("embed", {"model": "tiny-embedder", "texts": texts, "prefix": "passage: "},
                               WEBGPU_TIMEOUT)
    got = np.array(result["vectors"], dtype=np.float32).reshape(len(texts), result["dim"])
    reference = Embedder(tiny_models / "tiny-embedder", "fp32").embed(texts, prefix="passage: ")
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert float(np.sum(got * reference)) > 0.999


def replace_with_zeros(path: Path) -> None:
    """Same size (so the manifest's total still holds), but not an ONNX model."""
    size = path.stat().st_size
    path.unlink()  # a hard link to the shared test dist: replace, never modify in place
    path.write_bytes(bytes(size))


def test_a_model_that_fails_on_webgpu_falls_back_to_wasm(
    webgpu_browser: Browser, variant_url: Callable[[Callable[[Path], None]], str], manifest: dict[str, Any]
) -> None:
    entry = manifest_entry(manifest, "tiny-qwen2")

    def break_webgpu_files(root: Path) -> None:
        for dtype in entry["dtypes"]["webgpu"]:
            replace_with_zeros(root / "models/tiny-qwen2" / entry["dtype_files"][dtype])
        # The chunk hashes describe the broken files, as a build of a bad export would:
        # the store takes them, and the failure is the session's on WebGPU.
        (root / "models/chunks.json").unlink()  # a hard link: replace, never modify in place
        write_chunks(root / "models", chunk_bytes=STORE_CHUNK_BYTES)

    url = variant_url(break_webgpu_files)
    with open_worker(webgpu_browser, url) as worker:
        probe = worker.result("probe", {"force_webgpu": True})
        replies = worker.call("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": True},
                              WEBGPU_TIMEOUT)
        assert replies[-1]["type"] == "result", replies[-1].get("message")
        result = replies[-1]["payload"]
        assert (result["device"], result["dtype"]) == ("wasm", entry["dtypes"]["wasm"][0])
        assert result["reason"] == "webgpu-load-failed" and result["detail"], result
        # Progress covered both attempts' files; the last report is complete.
        progress = [r for r in replies if r["type"] == "progress"]
        assert progress[-1]["loaded"] == progress[-1]["total"] == result["bytes"]
        webgpu_file = entry["dtype_files"][webgpu_dtype(entry, probe["f16"])]
        assert {webgpu_file, entry["dtype_files"][result["dtype"]]} <= {r["file"] for r in progress}
        answer = worker.result("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 2})
        assert answer["device"] == "wasm"
        assert (answer["reason"], answer["detail"]) == (result["reason"], result["detail"])
        # One failed session must not fail later loads (Transformers.js keeps a rejected
        # session chain; the worker moves to a fresh instance of it).
        other = worker.result("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": True},
                              WEBGPU_TIMEOUT)
        assert other["device"] == "webgpu", other


def test_a_lost_webgpu_device_moves_the_model_to_wasm(webgpu_browser: Browser, worker_url: str) -> None:
    generate = {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 2}
    with open_worker(webgpu_browser, worker_url, HOOKED_WORKER) as worker:
        load = worker.result("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": True},
                             WEBGPU_TIMEOUT)
        assert load["device"] == "webgpu"
        assert worker.result("generate", generate, WEBGPU_TIMEOUT)["device"] == "webgpu"
        worker.send_raw({"test": "lose-webgpu-device"})
        worker.page.wait_for_function("mlWorker.testReplies.length > 0")
        assert worker.page.evaluate("mlWorker.testReplies[0].had_device") is True
        after = worker.call("generate", generate, WEBGPU_TIMEOUT)
        assert after[-1]["type"] == "result", after[-1].get("message")
        result = after[-1]["payload"]
        assert result["device"] == "wasm" and result["reason"] == "webgpu-run-failed", result
        assert result["detail"], result
        assert result["tokens"] >= 1
        again = worker.result("generate", generate)
        assert (again["device"], again["reason"]) == ("wasm", result["reason"])
        assert again["text"] == result["text"]
