"""Honest fakes of the app's ports for CPython tests.

They implement the same Protocols as ``app.bridge`` and behave like the real thing in
the ways the tests rely on (vectors are normalised and similar texts are close, search
does real dot products, generation streams and can be interrupted, failures raise the
same errors), without a browser. The real worker is tested in Chromium (tests/worker).
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from app.core import protocol
from app.core.errors import ApiError, InferenceError

DIM = 64


def bag_of_words(text: str, dim: int = DIM) -> list[float]:
    """A deterministic unit vector from the text's word stems (first 5 letters)."""
    vector = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.sha256(word[:5].encode()).digest()
        vector[digest[0] % dim] += 1.0 if digest[1] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class FakeApi:
    def __init__(self, documents: Mapping[str, Any]) -> None:
        self.documents = dict(documents)
        self.paths: list[str] = []

    async def get_json(self, path: str) -> Any:
        self.paths.append(path)
        if path not in self.documents:
            raise ApiError(f"GET {path} failed: HTTP 404 Not Found")
        return self.documents[path]


class FakeInference:
    """The ML worker's behaviour at the port, with scripted generations."""

    def __init__(
        self,
        vectors: Mapping[str, list[list[float]]] | None = None,
        reply: str = "A short answer [1].",
        fail_load: Mapping[str, str] | None = None,
        token_delay: float = 0.0,
        handles: list[str] | None = None,
    ) -> None:
        self.vectors_by_url = dict(vectors or {})
        self.reply = reply
        self.fail_load = dict(fail_load or {})
        self.token_delay = token_delay
        self.handles = handles if handles is not None else list(protocol.REQUESTS)
        self.loaded: dict[str, dict[str, Any]] = {}
        self.index_rows: list[list[float]] = []
        self.calls: list[tuple[str, Any]] = []
        self._interrupt = asyncio.Event()
        self._generating = False

    async def hello(self) -> dict[str, Any]:
        return {"protocol": protocol.VERSION, "handles": self.handles, "isolated": True, "threads": 2}

    async def probe(self, force_webgpu: bool) -> dict[str, Any]:
        return {"device": "wasm", "reason": "no-adapter", "adapter": None, "f16": False}

    async def load(self, model: str, role: str, force_webgpu: bool,
                   on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        self.calls.append(("load", model))
        if model in self.fail_load:
            raise InferenceError(self.fail_load[model], "load-failed")
        total = 1000
        for loaded in (0, 400, 1000):
            if on_progress:
                on_progress(loaded, total, "onnx/model_quantized.onnx")
            await asyncio.sleep(0)
        self.loaded[model] = {"model": model, "device": "wasm", "dtype": "q8", "reason": "no-adapter"}
        return self.loaded[model]

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]:
        if model not in self.loaded:
            raise InferenceError(f"model {model!r} is not loaded", "not-loaded")
        self.calls.append(("embed", len(texts)))
        return [bag_of_words(text) for text in texts]

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]:
        rows = self.vectors_by_url.get(url)
        if rows is None:
            raise InferenceError(f"GET {url} failed: HTTP 404", "not-found")
        if len(rows) != count or any(len(r) != dim for r in rows):
            raise InferenceError(f"{url}: expected {count}x{dim} floats", "failed")
        self.index_rows = rows
        return {"count": count, "dim": dim}

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]:
        self.calls.append(("search", list(rows)))
        candidates = rows or list(range(len(self.index_rows)))
        scored = [(row, sum(a * b for a, b in zip(vector, self.index_rows[row], strict=True)))
                  for row in candidates]
        return sorted(scored, key=lambda pair: -pair[1])[:k]

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        if model not in self.loaded:
            raise InferenceError(f"model {model!r} is not loaded", "not-loaded")
        self.calls.append(("generate", messages))
        self._interrupt.clear()
        self._generating = True
        text, tokens = "", 0
        try:
            for piece in re.findall(r"\S+\s*", self.reply)[:max_new_tokens]:
                if self._interrupt.is_set():
                    break
                text += piece
                tokens += 1
                if on_token:
                    on_token(piece)
                await asyncio.sleep(self.token_delay)
        finally:
            self._generating = False
        return {"text": text, "tokens": tokens, "ttft_ms": 1, "ms": 2,
                "interrupted": self._interrupt.is_set()}

    async def interrupt(self) -> bool:
        if not self._generating:
            return False
        self._interrupt.set()
        return True

    async def unload(self, model: str) -> None:
        self.loaded.pop(model, None)
