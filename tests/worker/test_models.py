"""Loading, embedding and generating with the tiny models on WASM (no WebGPU adapter)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser

from models.embedder import Embedder
from tests.worker.conftest import WorkerDriver, files_of, manifest_entry, open_worker

pytestmark = pytest.mark.browser

NO_ADAPTER = {"no-adapter", "no-webgpu-api"}
CHAT = [{"role": "system", "content": "You are a tutor."}, {"role": "user", "content": "What is a list?"}]


def load(worker: WorkerDriver, model: str, role: str) -> list[dict[str, Any]]:
    return worker.call("load", {"model": model, "role": role, "force_webgpu": False})


@pytest.mark.parametrize(("model", "role"), [("tiny-embedder", "embedder"), ("tiny-qwen2", "generator")])
def test_load_progress_counts_bytes_against_the_manifest_total(
    worker: WorkerDriver, manifest: dict[str, Any], model: str, role: str
) -> None:
    entry = manifest_entry(manifest, model)
    dtype = entry["dtypes"]["wasm"][0]
    files = files_of(entry, dtype)
    replies = load(worker, model, role)
    progress = [r for r in replies if r["type"] == "progress"]
    result = replies[-1]
    assert result["type"] == "result", result
    assert len(progress) >= len(files)
    assert {r["total"] for r in progress} == {sum(f["size"] for f in files)}
    loaded = [r["loaded"] for r in progress]
    assert loaded == sorted(loaded) and loaded[-1] == progress[-1]["total"]
    assert {r["file"] for r in progress} == {f["path"] for f in files}
    payload = result["payload"]
    assert payload["model"] == model
    assert (payload["device"], payload["dtype"]) == ("wasm", dtype)
    assert payload["reason"] in NO_ADAPTER
    assert (payload["files"], payload["bytes"]) == (len(files), progress[-1]["total"])
    assert payload["load_ms"] > 0 and payload["warm_ms"] > 0
    assert any(url.endswith(f"/models/{model}/{entry['dtype_files'][dtype]}") for url in worker.requests)


def test_a_second_load_returns_the_loaded_model_at_once(worker: WorkerDriver) -> None:
    first = load(worker, "tiny-embedder", "embedder")[-1]["payload"]
    again = load(worker, "tiny-embedder", "embedder")
    assert [r["type"] for r in again] == ["result"]
    assert again[-1]["payload"]["cached"] is True
    assert {k: again[-1]["payload"][k] for k in first} == first


def test_embed_returns_unit_vectors_of_the_prefixed_texts(worker: WorkerDriver, tiny_models: Path) -> None:
    texts = ["Lists keep items in order.", "Словари хранят пары ключ-значение.", "x"]
    load(worker, "tiny-embedder", "embedder")
    result = worker.result("embed", {"model": "tiny-embedder", "texts": texts, "prefix": "query: "})
    dim = result["dim"]
    assert result["vectors_type"] == "Float32Array"
    assert len(result["vectors"]) == len(texts) * dim
    got = np.array(result["vectors"], dtype=np.float32).reshape(len(texts), dim)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # The same q8 file through native onnxruntime (the build's embedder), with the prefix.
    reference = Embedder(tiny_models / "tiny-embedder", "q8").embed(texts, prefix="query: ")
    unprefixed = Embedder(tiny_models / "tiny-embedder", "q8").embed(texts, prefix="")
    cosines = np.sum(got * reference, axis=1)
    assert cosines.min() > 0.99, cosines
    assert np.sum(got * unprefixed, axis=1).min() < cosines.min()
    empty = worker.result("embed", {"model": "tiny-embedder", "texts": [], "prefix": ""})
    assert (empty["vectors"], empty["dim"]) == ([], dim)


def test_generate_streams_tokens_then_one_result(worker: WorkerDriver) -> None:
    load(worker, "tiny-qwen2", "generator")
    replies = worker.call("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 12})
    kinds = [r["type"] for r in replies]
    assert kinds[-1] == "result" and kinds.count("result") == 1
    assert set(kinds[:-1]) == {"token"}
    result = replies[-1]["payload"]
    streamed = "".join(r["text"] for r in replies if r["type"] == "token")
    assert streamed and result["text"] == streamed
    assert 1 <= result["tokens"] <= 12
    assert result["interrupted"] is False
    assert 0 < result["ttft_ms"] <= result["ms"]
    assert result["device"] == "wasm" and result["reason"] in NO_ADAPTER
    # Greedy: the same chat gives the same answer.
    again = worker.result("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 12})
    assert again["text"] == result["text"]


def test_interrupt_stops_a_long_generation(worker: WorkerDriver, manifest: dict[str, Any]) -> None:
    load(worker, "tiny-qwen2", "generator")
    most = manifest_entry(manifest, "tiny-qwen2")["context_length"] - 100
    long_chat = [{"role": "user", "content": "Tell me everything."}]
    request = {"model": "tiny-qwen2", "messages": long_chat, "max_new_tokens": most}
    generation = worker.send("generate", request)
    worker.wait_for(generation, "token")
    stop = worker.result("interrupt", {"target": generation})
    replies = worker.done(generation)
    result = replies[-1]
    assert stop == {"interrupted": True}
    assert result["type"] == "result", result
    assert result["payload"]["interrupted"] is True
    assert result["payload"]["tokens"] < most / 10
    # Nothing left to stop.
    assert worker.result("interrupt", {"target": generation}) == {"interrupted": False}


def test_generate_checks_its_chat(worker: WorkerDriver) -> None:
    load(worker, "tiny-qwen2", "generator")
    no_content = [{"role": "user"}]
    bad = worker.error("generate", {"model": "tiny-qwen2", "messages": no_content, "max_new_tokens": 4})
    assert bad["code"] == "bad-request" and "messages[0]" in bad["message"]
    zero = worker.error("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 0})
    assert zero["code"] == "bad-request" and "max_new_tokens" in zero["message"]
    wrong_role = worker.error("generate", {"model": "tiny-embedder", "messages": CHAT, "max_new_tokens": 1})
    assert wrong_role["code"] == "not-loaded"


def test_unload_disposes_the_model(worker: WorkerDriver) -> None:
    load(worker, "tiny-embedder", "embedder")
    assert worker.result("unload", {"model": "tiny-embedder"}) == {"unloaded": True}
    gone = worker.error("embed", {"model": "tiny-embedder", "texts": ["a"], "prefix": ""})
    assert gone["code"] == "not-loaded"
    assert worker.result("unload", {"model": "tiny-embedder"}) == {"unloaded": False}
    # It loads again, from the network again.
    assert load(worker, "tiny-embedder", "embedder")[-1]["payload"].get("cached") is None


def test_unload_stops_the_generations_of_the_model_first(worker: WorkerDriver) -> None:
    load(worker, "tiny-qwen2", "generator")
    request = {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 1500}
    generation = worker.send("generate", request)
    worker.wait_for(generation, "token")
    assert worker.result("unload", {"model": "tiny-qwen2"}) == {"unloaded": True}
    result = worker.done(generation)[-1]
    assert result["type"] == "result", result.get("message")
    assert result["payload"]["interrupted"] is True and result["payload"]["tokens"] < 150


def test_a_missing_model_file_is_not_found(
    browser: Browser, variant_url: Callable[[Callable[[Path], None]], str], manifest: dict[str, Any]
) -> None:
    onnx = manifest_entry(manifest, "tiny-embedder")["dtype_files"]["q8"]
    url = variant_url(lambda root: (root / "models/tiny-embedder" / onnx).unlink())
    with open_worker(browser, url) as worker:
        error = worker.error("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": False})
        assert error["code"] == "not-found"
        assert f"{url}/models/tiny-embedder/{onnx}" in error["message"]
        # The failed load left nothing behind: the model is not loaded, and a retry fails the same way.
        embed = worker.error("embed", {"model": "tiny-embedder", "texts": ["a"], "prefix": ""})
        assert embed["code"] == "not-loaded"
        again = worker.error("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": False})
        assert again["code"] == "not-found"


def test_all_traffic_stays_on_the_test_server(worker: WorkerDriver) -> None:
    load(worker, "tiny-embedder", "embedder")
    load(worker, "tiny-qwen2", "generator")
    worker.result("embed", {"model": "tiny-embedder", "texts": ["a"], "prefix": "query: "})
    worker.result("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 2})
    # The recording sees the worker's own fetches: the runtime, the wasm and the models.
    for path in ("/vendor/transformers@", "ort-wasm-simd-threaded", "/models/manifest.json",
                 "/models/tiny-qwen2/", "/models/tiny-embedder/"):
        assert any(path in url for url in worker.requests), path
    assert worker.outside_requests() == []


def test_a_system_message_cache_is_reused_and_answers_as_a_full_prompt(worker: WorkerDriver) -> None:
    load(worker, "tiny-qwen2", "generator")
    other = [CHAT[0], {"role": "user", "content": "How do I loop over a dict?"}]
    results = {}
    for name, chat in (("first", CHAT), ("other", other)):
        full = worker.result(
            "generate", {"model": "tiny-qwen2", "messages": chat, "max_new_tokens": 12, "reuse_prefix": False}
        )
        assert full["reused_tokens"] == 0
        reused = worker.result("generate", {"model": "tiny-qwen2", "messages": chat, "max_new_tokens": 12})
        results[name] = reused
        # The system message's keys and values came from the cache, the rest was computed.
        assert 0 < reused["reused_tokens"] < reused["prompt_tokens"] == full["prompt_tokens"]
        assert (reused["text"], reused["tokens"]) == (full["text"], full["tokens"])
    assert results["first"]["reused_tokens"] == results["other"]["reused_tokens"]
    # A chat without a system message, or with another one, computes its whole prompt.
    alone = worker.result("generate", {"model": "tiny-qwen2", "messages": CHAT[1:], "max_new_tokens": 4})
    assert alone["reused_tokens"] == 0
    changed = [{"role": "system", "content": "You are a strict tutor."}, CHAT[1]]
    again = worker.result("generate", {"model": "tiny-qwen2", "messages": changed, "max_new_tokens": 4})
    assert again["reused_tokens"] > 0  # a new prefix, computed once and used at once
    after = worker.result("generate", {"model": "tiny-qwen2", "messages": CHAT, "max_new_tokens": 12})
    assert after["text"] == results["first"]["text"]


def test_the_caches_of_several_system_messages_are_kept_and_the_oldest_dropped(worker: WorkerDriver) -> None:
    """Up to four system prefixes per model (worker/generation.js PREFIX_SLOTS): the tutor
    switches between languages and policies, and each switch would recompute one slot."""
    load(worker, "tiny-qwen2", "generator")
    systems = [f"You are tutor number {n}. Answer briefly." for n in range(5)]

    def ask(system: str) -> dict[str, Any]:
        chat = [{"role": "system", "content": system}, CHAT[1]]
        return worker.result("generate", {"model": "tiny-qwen2", "messages": chat, "max_new_tokens": 4})

    assert [ask(s)["prefix_computed"] for s in systems[:4]] == [True] * 4
    kept = [ask(s) for s in systems[:4]]  # all four kept, the first now the most recently used
    assert [r["prefix_computed"] for r in kept] == [False] * 4
    assert all(r["reused_tokens"] > 0 for r in kept)
    assert ask(systems[4])["prefix_computed"] is True  # a fifth drops the least recently used
    assert ask(systems[0])["prefix_computed"] is True
    assert ask(systems[3])["prefix_computed"] is False
    full = worker.result("generate", {"model": "tiny-qwen2", "max_new_tokens": 4, "reuse_prefix": False,
                                      "messages": [{"role": "system", "content": systems[3]}, CHAT[1]]})
    assert full["prefix_computed"] is False and full["reused_tokens"] == 0
    assert ask(systems[3])["text"] == full["text"]  # a kept cache answers as the full prompt
