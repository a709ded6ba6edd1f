"""The model manager's requests (worker/model-manager.js) on the real model store:
list, download without loading, verify, delete."""

from __future__ import annotations

from typing import Any

import pytest

from tests.worker.conftest import WorkerDriver, files_of, manifest_entry

pytestmark = pytest.mark.browser

WASM = {"force_webgpu": False}


def listed(worker: WorkerDriver, model: str) -> dict[str, Any]:
    result = worker.result("models", WASM)
    row: dict[str, Any] = next(row for row in result["models"] if row["id"] == model)
    return row


def test_download_verify_and_delete_one_model(worker: WorkerDriver, manifest: dict[str, Any]) -> None:
    result = worker.result("models", WASM)
    assert [row["id"] for row in result["models"]] == [m["id"] for m in manifest["models"]]
    assert result["quota"] > result["usage"] >= 0
    size = sum(f["size"] for f in files_of(manifest_entry(manifest, "tiny-qwen2"), "q8"))
    assert listed(worker, "tiny-qwen2") == {"id": "tiny-qwen2", "role": "generator", "tier": "tiny",
                                            "device": "wasm", "dtype": "q8", "size": size, "stored": 0,
                                            "complete": False}

    replies = worker.call("download", {"model": "tiny-qwen2", **WASM})
    progress = [r for r in replies if r["type"] == "progress"]
    assert replies[-1]["payload"] == {"model": "tiny-qwen2", "bytes": size, "fetched": size}
    assert len(progress) > 2 and progress[-1]["loaded"] == progress[-1]["total"] == size
    assert [r["loaded"] for r in progress] == sorted(r["loaded"] for r in progress)
    assert listed(worker, "tiny-qwen2")["complete"] is True
    assert listed(worker, "tiny-qwen2")["stored"] == size
    # A download of a stored model fetches nothing; a load reads it from the store.
    again = worker.result("download", {"model": "tiny-qwen2", **WASM})
    assert again["fetched"] == 0
    before = len(worker.requests)
    worker.result("load", {"model": "tiny-qwen2", "role": "generator", **WASM})
    assert [url for url in worker.requests[before:] if "/models/tiny-qwen2/" in url] == []

    checked = worker.result("verify", {"model": "tiny-qwen2", **WASM})
    assert checked["bad"] == checked["missing"] == 0 and checked["bytes"] == size
    assert worker.result("delete", {"model": "tiny-qwen2"}) == {"model": "tiny-qwen2", "freed": size}
    assert listed(worker, "tiny-qwen2")["stored"] == 0
    checked = worker.result("verify", {"model": "tiny-qwen2", **WASM})
    assert checked["missing"] == checked["chunks"] > 0


def test_unknown_models_are_not_found(worker: WorkerDriver) -> None:
    for kind, payload in (("download", {"model": "giant", **WASM}), ("delete", {"model": "giant"}),
                          ("verify", {"model": "giant", **WASM})):
        error = worker.error(kind, payload)
        assert error["code"] == "not-found" and "giant" in error["message"], error
