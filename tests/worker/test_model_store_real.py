"""The real int8 generator (497 MB, over the 300 MB a single cache entry can hold) goes
into the worker's model store and loads back from it on a second visit (a persistent
profile, as a learner's browser), with no model byte fetched again."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserType

from tests.conftest import DIST
from tests.worker.conftest import DRIVER

pytestmark = pytest.mark.browser

MODEL = "qwen2.5-coder-0.5b-instruct"
LOAD = {"model": MODEL, "role": "generator", "force_webgpu": False}


def visit(browser_type: BrowserType, launch: dict[str, Any], profile: Path, url: str) -> dict[str, Any]:
    """One visit: load the generator in a fresh worker; the result, its seconds and the
    model bytes and requests the visit fetched."""
    context = browser_type.launch_persistent_context(str(profile), **launch, service_workers="block")
    fetched: list[tuple[str, int]] = []

    def finished(request: Any) -> None:
        if "/models/" in request.url and "manifest" not in request.url and "chunks.json" not in request.url:
            sizes = request.sizes()
            fetched.append((request.url, sizes["responseBodySize"]))

    context.on("requestfinished", finished)
    try:
        page = context.new_page()
        page.goto(f"{url}/worker/protocol.json")
        page.evaluate(DRIVER)
        started = time.monotonic()
        replies = page.evaluate("([k, p]) => mlWorker.done(mlWorker.send(k, p), 600000)", ["load", LOAD])
        seconds = time.monotonic() - started
        return {"final": replies[-1], "seconds": seconds, "requests": len(fetched),
                "bytes": sum(size for _, size in fetched)}
    finally:
        context.close()


def test_the_int8_generator_is_stored_and_loads_back(
    browser_type: BrowserType, browser_type_launch_args: dict[str, Any], base_url: str, tmp_path: Path
) -> None:
    chunks = json.loads((DIST / "models/chunks.json").read_text(encoding="utf-8"))
    onnx = chunks["models"][MODEL]["onnx/model_quantized.onnx"]
    assert onnx["size"] > 300 * 1024 * 1024 and len(onnx["chunks"]) > 1
    first = visit(browser_type, browser_type_launch_args, tmp_path / "profile", base_url)
    assert first["final"]["type"] == "result", first["final"]
    assert first["bytes"] >= onnx["size"]
    second = visit(browser_type, browser_type_launch_args, tmp_path / "profile", base_url)
    assert second["final"]["type"] == "result", second["final"]
    assert second["requests"] == 0 and second["bytes"] == 0, second
    print(f"\nfirst visit: {first['bytes']} model bytes in {first['requests']} requests, "
          f"ready in {first['seconds']:.1f} s; second visit: {second['bytes']} bytes, "
          f"ready in {second['seconds']:.1f} s")
