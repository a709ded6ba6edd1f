"""The worker's model store (worker/model-store.js): model files kept in IndexedDB in
the chunks of models/chunks.json, fetched with Range requests, read back from the store."""

from __future__ import annotations

from typing import Any

import pytest

from tests.worker.conftest import WorkerDriver, files_of, manifest_entry

pytestmark = pytest.mark.browser


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


LOAD = {"model": "tiny-qwen2", "role": "generator", "force_webgpu": False}

CORRUPT_FIRST_ONNX_CHUNK = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open('tropa-models');
    r.onsuccess = () => ok(r.result);
    r.onerror = no;
  });
  const tx = db.transaction('chunks', 'readwrite');
  const store = tx.objectStore('chunks');
  const key = ['tiny-qwen2', 'onnx/model_quantized.onnx', 0];
  const record = await new Promise((ok) => { const r = store.get(key); r.onsuccess = () => ok(r.result); });
  store.put({ ...record, blob: new Blob([new Uint8Array(record.size)]) }, key);
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
  return record.size;
}"""


def test_offline_a_stored_model_loads_and_a_damaged_one_says_so(worker: WorkerDriver) -> None:
    worker.result("load", LOAD)
    worker.result("unload", {"model": "tiny-qwen2"})
    worker.page.context.set_offline(True)
    worker.result("load", LOAD)  # from the store alone
    worker.result("unload", {"model": "tiny-qwen2"})
    assert worker.page.evaluate(CORRUPT_FIRST_ONNX_CHUNK) == 64 * 1024
    error = worker.error("load", LOAD)
    assert error["code"] == "offline", error
    assert "tiny-qwen2" in error["message"] and "damaged" in error["message"], error["message"]
    worker.page.context.set_offline(False)
    before = len(model_requests(worker, "tiny-qwen2"))
    worker.result("load", LOAD)  # online: the bad chunk is fetched again, only that one
    refetched = model_requests(worker, "tiny-qwen2")[before:]
    assert len(refetched) == 1 and refetched[0].endswith("onnx/model_quantized.onnx"), refetched


def test_an_interrupted_download_resumes_from_the_last_good_chunk(worker: WorkerDriver) -> None:
    def cut_at_third_chunk(route: Any) -> None:
        if route.request.headers.get("range", "").startswith(f"bytes={2 * 64 * 1024}-"):
            route.abort("connectionreset")
        else:
            route.continue_()

    worker.page.context.route("**/tiny-qwen2/onnx/model_quantized.onnx", cut_at_third_chunk)
    error = worker.error("load", LOAD)
    assert error["code"] == "offline" and "chunk 3 of" in error["message"], error
    assert "resumes" in error["message"]
    worker.page.context.unroute("**/tiny-qwen2/onnx/model_quantized.onnx")
    before = len(model_requests(worker, "tiny-qwen2"))
    worker.result("load", LOAD)
    resumed = [url for url in model_requests(worker, "tiny-qwen2")[before:] if url.endswith(".onnx")]
    # The two chunks stored before the cut are not fetched again.
    total = -(-worker.page.evaluate("fetch('/models/chunks.json').then(r => r.json())")["models"][
        "tiny-qwen2"]["onnx/model_quantized.onnx"]["size"] // (64 * 1024))
    assert len(resumed) == total - 2, resumed


STORED_CHUNKS = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open('tropa-models');
    r.onsuccess = () => ok(r.result);
    r.onerror = no;
  });
  const keys = await new Promise((ok) => {
    const r = db.transaction('chunks').objectStore('chunks').getAllKeys();
    r.onsuccess = () => ok(r.result);
  });
  db.close();
  return keys;
}"""


def test_a_quota_too_small_names_the_size_and_stores_nothing(worker: WorkerDriver) -> None:
    cdp = worker.page.context.new_cdp_session(worker.page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": worker.url, "quotaSize": 100 * 1024})
    error = worker.error("load", LOAD)
    assert error["code"] == "no-space", error
    assert "not enough space for tiny-qwen2: it needs 1 MB more" in error["message"], error["message"]
    assert "to make room" in error["message"]
    # Whole small files may be kept; of the file that did not fit, not one chunk.
    stored = worker.page.evaluate(STORED_CHUNKS)
    assert [key for key in stored if key[1].startswith("onnx/")] == [], stored
