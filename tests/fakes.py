"""Honest fakes of the app's ports for CPython tests.

They implement the same Protocols as ``app.bridge`` and behave like the real thing in
the ways the tests rely on (vectors are normalised and similar texts are close, search
does real dot products, generation streams and can be interrupted, failures raise the
same errors), without a browser. The real worker is tested in Chromium (tests/worker).

``FakeInference`` refuses what the worker refuses, with the same error codes: every
request goes through ``contracts.protocol.request`` and every result through
``contracts.protocol.check_reply``; the first call shakes hands as the bridge does; a
model must be in its manifest, loaded, and used in its role; a search vector must have
the index's dimension, ``k`` must be a non-negative integer and ``rows`` existing rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from app.core.errors import ApiError, InferenceError
from contracts import protocol

DIM = 64
# The fake manifest: model id → role.
MANIFEST = {"embedder-x": "embedder", "gen-x": "generator"}
# Bytes of every fake model's files, and of the origin's storage quota.
MODEL_BYTES = 1000
QUOTA = 10_000
# The embedder's prefixes (e5 is trained with them); any other prefix is a caller's bug.
PREFIXES = ("query: ", "passage: ")


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


def bad_request(message: str) -> InferenceError:
    return InferenceError(message, "bad-request")


class FakeInference:
    """The ML worker's behaviour at the port, with scripted generations."""

    def __init__(
        self,
        vectors: Mapping[str, list[list[float]]] | None = None,
        reply: str = "A short answer [1].",
        fail_load: Mapping[str, str] | None = None,
        token_delay: float = 0.0,
        handles: list[str] | None = None,
        manifest: Mapping[str, str] | None = None,
        version: int = protocol.VERSION,
    ) -> None:
        self.vectors_by_url = dict(vectors or {})
        self.reply = reply
        self.fail_load = dict(fail_load or {})
        self.token_delay = token_delay
        self.handles = handles if handles is not None else list(protocol.REQUESTS)
        self.manifest = dict(manifest if manifest is not None else MANIFEST)
        self.version = version
        self.loaded: dict[str, dict[str, Any]] = {}
        # The model store: model id → bytes kept on the device (a load stores the model too).
        self.stored: dict[str, int] = {}
        self.quota = QUOTA
        self.index_rows: list[list[float]] = []
        self.calls: list[tuple[str, Any]] = []
        self._hello: dict[str, Any] | None = None
        self._next_id = 1
        self._generation = 0
        self._interrupt = asyncio.Event()
        self._generating = False

    # -- what the bridge does around every call ---------------------------------------
    def _request(self, kind: str, payload: Mapping[str, Any]) -> None:
        message_id, self._next_id = self._next_id, self._next_id + 1
        try:
            protocol.request(message_id, kind, payload)
        except protocol.ProtocolError as error:
            raise bad_request(str(error)) from None

    def _result(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        # A fake that answers off the contract would let a test pass that the page fails.
        protocol.check_reply(kind, {"id": self._next_id - 1, "type": "result", "payload": payload})
        return payload

    async def _handshake(self) -> dict[str, Any]:
        if self._hello is None:
            self._request("hello", {"protocol": protocol.VERSION})
            if self.version != protocol.VERSION:
                raise InferenceError(f"the page speaks protocol {protocol.VERSION} and this worker "
                                     f"{self.version}: reload the page", "incompatible")
            hello = self._result("hello", {"protocol": self.version, "handles": self.handles,
                                           "isolated": True, "threads": 2})
            if sorted(self.handles) != sorted(protocol.REQUESTS):
                raise InferenceError(
                    f"the ML worker speaks protocol {self.version} handling {sorted(self.handles)}; "
                    f"this page needs {protocol.VERSION} handling {sorted(protocol.REQUESTS)}: "
                    "reload the page", "incompatible")
            self._hello = hello
        return self._hello

    async def _call(self, kind: str, payload: Mapping[str, Any]) -> None:
        await self._handshake()
        self._request(kind, payload)

    def _slot(self, model: str, role: str) -> dict[str, Any]:
        if model not in self.loaded:
            raise InferenceError(f'model "{model}" is not loaded: send load first', "not-loaded")
        if self.manifest[model] != role:
            raise bad_request(f'model "{model}" is a {self.manifest[model]}, not a {role}')
        return self.loaded[model]

    # -- the Inference port -------------------------------------------------------------
    async def hello(self) -> dict[str, Any]:
        return await self._handshake()

    async def probe(self, force_webgpu: bool) -> dict[str, Any]:
        await self._call("probe", {"force_webgpu": force_webgpu})
        return self._result("probe", {"device": "wasm", "reason": "no-adapter", "detail": "",
                                      "adapter": None, "f16": False})

    async def load(self, model: str, role: str, force_webgpu: bool,
                   on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        await self._call("load", {"model": model, "role": role, "force_webgpu": force_webgpu})
        self.calls.append(("load", model))
        if model not in self.manifest:
            raise InferenceError(f'model "{model}" is not in the manifest; it has: '
                                 f"{', '.join(self.manifest)}", "not-found")
        if self.manifest[model] != role:
            raise bad_request(f'model "{model}" is a {self.manifest[model]}, not a {role}')
        if model in self.fail_load:
            raise InferenceError(self.fail_load[model], "load-failed")
        total = 1000
        for loaded in (0, 400, 1000):
            if on_progress:
                on_progress(loaded, total, "onnx/model_quantized.onnx")
            await asyncio.sleep(0)
        self.stored[model] = total
        self.loaded[model] = {"model": model, "device": "wasm", "dtype": "q8", "reason": "no-adapter",
                              "detail": ""}
        return self._result("load", {**self.loaded[model], "files": 3, "bytes": total,
                                     "load_ms": 1.0, "warm_ms": 1.0})

    async def embed(self, model: str, texts: list[str], prefix: str) -> list[list[float]]:
        await self._call("embed", {"model": model, "texts": texts, "prefix": prefix})
        self._slot(model, "embedder")
        if prefix not in PREFIXES:
            raise bad_request(f"embed prefix must be one of {PREFIXES!r}, got {prefix!r}")
        for index, text in enumerate(texts):
            if not isinstance(text, str):
                raise bad_request(f"embed texts[{index}] must be a string")
        self.calls.append(("embed", len(texts)))
        vectors = [bag_of_words(text) for text in texts]
        self._result("embed", {"vectors": [x for v in vectors for x in v], "dim": DIM})
        return vectors

    async def index(self, url: str, count: int, dim: int, sha256: str) -> dict[str, Any]:
        await self._call("index", {"url": url, "count": count, "dim": dim, "sha256": sha256})
        if count < 0 or dim < 1:
            raise bad_request(f"index count must be >= 0 and dim >= 1, got {count} and {dim}")
        rows = self.vectors_by_url.get(url)
        if rows is None:
            raise InferenceError(f"library vectors {url} answered HTTP 404", "not-found")
        if len(rows) != count or any(len(r) != dim for r in rows):
            raise InferenceError(f"library vectors {url}: expected {count} × {dim} float32", "failed")
        self.index_rows = rows
        return self._result("index", {"count": count, "dim": dim})

    async def search(self, vector: list[float], k: int, rows: list[int]) -> list[tuple[int, float]]:
        await self._call("search", {"vector": vector, "k": k, "rows": rows})
        if not self.index_rows:
            raise InferenceError("no library vectors are loaded: send index first", "not-loaded")
        dim, count = len(self.index_rows[0]), len(self.index_rows)
        if len(vector) != dim:
            raise bad_request(f"search vector has {len(vector)} numbers; the index has dim {dim}")
        if k < 0:
            raise bad_request(f"search payload field 'k' must be an integer from 0, got {k}")
        for row in rows:
            if not isinstance(row, int) or isinstance(row, bool) or not 0 <= row < count:
                raise bad_request(f"search payload field 'rows[]' must be an integer from 0 to "
                                  f"{count - 1}, got {row}")
        self.calls.append(("search", list(rows)))
        candidates = list(dict.fromkeys(rows)) or list(range(count))
        scored = [(row, sum(a * b for a, b in zip(vector, self.index_rows[row], strict=True)))
                  for row in candidates]
        best = sorted(scored, key=lambda pair: (-pair[1], pair[0]))[:k]
        self._result("search", {"hits": [list(pair) for pair in best]})
        return best

    async def generate(self, model: str, messages: list[dict[str, str]], max_new_tokens: int,
                       on_token: Callable[[str], None] | None = None) -> dict[str, Any]:
        await self._call("generate", {"model": model, "messages": messages,
                                      "max_new_tokens": max_new_tokens})
        self._generation = self._next_id - 1
        slot = self._slot(model, "generator")
        if not messages:
            raise bad_request("generate payload field 'messages' is empty")
        for index, message in enumerate(messages):
            if not isinstance(message.get("role"), str) or not isinstance(message.get("content"), str):
                raise bad_request(f"generate messages[{index}] must be {{role: string, content: string}}")
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
        return self._result("generate", {
            "text": text, "tokens": tokens, "ttft_ms": 1.0, "ms": 2.0,
            "interrupted": self._interrupt.is_set(),
            **{key: slot[key] for key in ("device", "dtype", "reason", "detail")}})

    async def interrupt(self) -> bool:
        if not self._generating:
            return False
        await self._call("interrupt", {"target": self._generation})
        self._interrupt.set()
        return True

    async def unload(self, model: str) -> None:
        await self._call("unload", {"model": model})
        self._result("unload", {"unloaded": self.loaded.pop(model, None) is not None})

    # -- the model store ------------------------------------------------------------------
    def _known(self, model: str) -> None:
        if model not in self.manifest:
            raise InferenceError(f'model "{model}" is not in the manifest; it has: '
                                 f"{', '.join(self.manifest)}", "not-found")

    async def models(self, force_webgpu: bool) -> dict[str, Any]:
        await self._call("models", {"force_webgpu": force_webgpu})
        rows = [{"id": model, "role": role, "tier": "real", "device": "wasm", "dtype": "q8",
                 "size": MODEL_BYTES, "stored": self.stored.get(model, 0),
                 "complete": self.stored.get(model, 0) == MODEL_BYTES}
                for model, role in self.manifest.items()]
        return self._result("models", {"models": rows, "usage": sum(self.stored.values()),
                                       "quota": self.quota, "persisted": False})

    async def download(self, model: str, force_webgpu: bool,
                       on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        await self._call("download", {"model": model, "force_webgpu": force_webgpu})
        self._known(model)
        self.calls.append(("download", model))
        have = self.stored.get(model, 0)
        if self.quota - sum(self.stored.values()) < MODEL_BYTES - have:
            raise InferenceError(f"not enough space for {model}: it needs 1 MB more", "no-space")
        for done in (have, (have + MODEL_BYTES) // 2, MODEL_BYTES):
            self.stored[model] = done
            if on_progress:
                on_progress(done, MODEL_BYTES, "onnx/model_quantized.onnx")
            await asyncio.sleep(0)
        return self._result("download", {"model": model, "bytes": MODEL_BYTES, "fetched": MODEL_BYTES - have})

    async def delete(self, model: str) -> int:
        await self._call("delete", {"model": model})
        self._known(model)
        freed = self.stored.pop(model, 0)
        self._result("delete", {"model": model, "freed": freed})
        return freed

    async def verify(self, model: str, force_webgpu: bool,
                     on_progress: Callable[[int, int, str], None] | None = None) -> dict[str, Any]:
        await self._call("verify", {"model": model, "force_webgpu": force_webgpu})
        self._known(model)
        have = self.stored.get(model, 0)
        if on_progress:
            on_progress(have, MODEL_BYTES, "onnx/model_quantized.onnx")
        return self._result("verify", {"model": model, "chunks": 1, "bad": 0,
                                       "missing": 0 if have == MODEL_BYTES else 1, "bytes": have})


class FakeElement:
    """The few DOM element attributes the shell uses: innerHTML, dataset, querySelector."""

    def __init__(self) -> None:
        self.innerHTML = ""
        self.dataset = type("Dataset", (), {})()

    def querySelector(self, _selector: str) -> None:
        return None


class FakePage:
    """The ``Page`` port without a browser: an address, a title, and the listeners."""

    def __init__(self, location_hash: str = "#/", languages: list[str] | None = None) -> None:
        self.root = FakeElement()
        self.hash = location_hash
        self.search = ""
        self.browser_languages = languages or ["en-US"]
        self.title = ""
        self.lang = ""
        self.theme = "system"  # as set by set_theme
        self.listeners: dict[tuple[str, str], Callable[[Any], None]] = {}
        # Elements other than the root that the page holds, by id (set by a test).
        self.elements: dict[str, FakeElement] = {}
        self.downloads: list[tuple[str, str, str]] = []  # (filename, text, mime) offered
        self.reloads = 0

    def listen(self, target: str, event: str, handler: Callable[[Any], None]) -> None:
        if (target, event) in self.listeners:
            raise AssertionError(f"a second {event} listener on {target}")
        self.listeners[(target, event)] = handler

    def release(self) -> None:
        self.listeners.clear()

    def location_hash(self) -> str:
        return self.hash

    def location_search(self) -> str:
        return self.search

    def languages(self) -> list[str]:
        return list(self.browser_languages)

    def element(self, element_id: str) -> FakeElement | None:
        return self.elements.get(element_id)

    def set_document(self, title: str, lang: str) -> None:
        self.title, self.lang = title, lang

    def take_over(self, html: str) -> None:
        self.root.innerHTML = html  # the browser's keeps equal nodes; the markup is the same

    def scroll_to_top(self) -> None:
        pass

    def set_theme(self, theme: str) -> None:
        self.theme = theme

    def navigate(self, fragment: str) -> None:
        """As the browser does: the address changes, then ``hashchange`` fires."""
        self.hash = fragment
        if ("window", "hashchange") in self.listeners:
            self.listeners[("window", "hashchange")](None)

    def download(self, filename: str, text: str, mime: str) -> None:
        self.downloads.append((filename, text, mime))

    def reload(self) -> None:
        self.reloads += 1

    def dispatch(self, target: str, event: str, payload: Any = None) -> None:
        """Fire ``event`` as the browser would: the one listener gets ``payload``."""
        self.listeners[(target, event)](payload)


class FakePreferences:
    def __init__(self, **saved: str) -> None:
        self.saved = dict(saved)

    def get(self, key: str) -> str | None:
        return self.saved.get(key)

    def set(self, key: str, value: str) -> None:
        self.saved[key] = value
