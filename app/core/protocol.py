"""The message protocol between the Python app and the ML worker, defined once.

The site build writes this definition to ``dist/worker/protocol.json``; the worker
(``worker/ml-worker.js``) imports that file and answers ``hello`` with the request types
it handles, which the Python side compares with ``REQUESTS`` before use.

Requests, Python → worker: ``{"id": int, "type": str, "payload": {...}}``.
Replies, worker → Python: ``{"id": int, "type": "progress"|"token"|"result"|"error", ...}``:
``progress`` carries ``loaded``, ``total`` (bytes, across all files of the load) and
``file``; ``token`` carries ``text``; ``result`` carries ``payload``; ``error`` carries
``message`` (readable, shown to the learner) and ``code``. Every request ends with
exactly one ``result`` or ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

VERSION = 1

# Request type → required payload fields and their JSON types.
REQUESTS: dict[str, dict[str, str]] = {
    # → {protocol, handles: [types], isolated: bool, threads: int}
    "hello": {},
    # → {device: "webgpu"|"wasm", reason: str, adapter: {...}|null, f16: bool}
    "probe": {"force_webgpu": "boolean"},
    # → {model, device, dtype, reason, files: int, bytes: int, load_ms, warm_ms}
    "load": {"model": "string", "role": "string", "force_webgpu": "boolean"},
    # → {vectors: Float32Array of n*dim, dim: int}
    "embed": {"model": "string", "texts": "array", "prefix": "string"},
    # → {count: int, dim: int}; loads the library's passage vectors into the worker
    "index": {"url": "string", "count": "number", "dim": "number", "sha256": "string"},
    # → {hits: [[row, score], ...]} best first; ``rows`` restricts the search when non-empty
    "search": {"vector": "array", "k": "number", "rows": "array"},
    # streams token replies, then → {text, tokens: int, ttft_ms, ms, interrupted: bool}
    "generate": {"model": "string", "messages": "array", "max_new_tokens": "number"},
    # → {interrupted: bool}; stops the generation whose request id is ``target``
    "interrupt": {"target": "number"},
    # → {unloaded: bool}
    "unload": {"model": "string"},
}

REPLIES = ("progress", "token", "result", "error")

# Error codes the worker uses, so Python can react without parsing messages.
ERROR_CODES = (
    "bad-request",  # unknown type or missing/ill-typed payload field
    "not-found",  # a model or file is missing on the server
    "load-failed",  # the model could not be loaded on any device
    "not-loaded",  # embed/generate on a model that is not loaded
    "failed",  # anything else thrown by a handler
)

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "array": (list, tuple),
}


class ProtocolError(ValueError):
    """A message does not follow the protocol; the message says how."""


def request(message_id: int, kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Build a request, checking ``kind`` and the payload's required fields."""
    if kind not in REQUESTS:
        raise ProtocolError(
            f"unknown request type {kind!r}; should be one of: {', '.join(REQUESTS)}"
        )
    for field, json_type in REQUESTS[kind].items():
        if field not in payload:
            raise ProtocolError(f"{kind} request lacks payload field {field!r}")
        value = payload[field]
        if not isinstance(value, _JSON_TYPES[json_type]) or (
            json_type == "number" and isinstance(value, bool)
        ):
            raise ProtocolError(
                f"{kind} payload field {field!r} must be a {json_type}, got {type(value).__name__}"
            )
    return {"id": message_id, "type": kind, "payload": dict(payload)}


def check_reply(reply: Mapping[str, Any]) -> None:
    """Raise ProtocolError unless ``reply`` has an int id and a known reply type."""
    if not isinstance(reply.get("id"), int) or isinstance(reply.get("id"), bool):
        raise ProtocolError(f"reply without an integer id: {dict(reply)!r:.120}")
    if reply.get("type") not in REPLIES:
        raise ProtocolError(
            f"unknown reply type {reply.get('type')!r}; should be one of: {', '.join(REPLIES)}"
        )


def as_json() -> dict[str, Any]:
    """The definition as written to protocol.json for the worker."""
    return {
        "version": VERSION,
        "requests": REQUESTS,
        "replies": list(REPLIES),
        "errors": list(ERROR_CODES),
    }
