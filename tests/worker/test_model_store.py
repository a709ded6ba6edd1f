"""The worker's model store (worker/model-store.js): model files kept in IndexedDB in
the chunks of models/chunks.json, fetched with Range requests, read back from the store."""

from __future__ import annotations

from typing import Any

from tests.worker.conftest import WorkerDriver, files_of, manifest_entry


def model_requests(worker: WorkerDriver, model: str) -> list[str]:
    return [url for url in worker.requests if f"/models/{model}/" in url]


def test_a_stored_model_is_never_fetched_again(worker: WorkerDriver, manifest: dict[str, Any]) -> None:
    entry = manifest_entry(manifest, "tiny-qwen2")
    onnx = next(f for f in files_of(entry, "q8") if f["path"].startswith("onnx/"))
    first = worker.result("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": False})
    assert first["bytes"] == sum(f["size"] for f in files_of(entry, "q8"))
    fetched = model_requests(worker, "tiny-qwen2")
    # The ONNX file (265 KB) came in 64 KiB Range requests, one per chunk.
    chunks = -(-onnx["size"] // (64 * 1024))
    assert sum(url.endswith(onnx["path"]) for url in fetched) == chunks
    worker.result("unload", {"model": "tiny-qwen2"})
    again = worker.result("load", {"model": "tiny-qwen2", "role": "generator", "force_webgpu": False})
    assert again.get("cached") is not True
    assert model_requests(worker, "tiny-qwen2") == fetched  # not one model byte more
    answer = worker.result("generate", {"model": "tiny-qwen2", "max_new_tokens": 4,
                                        "messages": [{"role": "user", "content": "hi"}]})
    assert answer["tokens"] >= 1
