"""The message protocol between the Python app and the ML worker, defined once.

The site build writes ``as_json()`` to ``dist/worker/protocol.json``; the worker
(``worker/``) checks every request it receives and every reply it sends against that
file, and ``app.bridge.worker`` checks every request it sends and every reply it
receives against this module.

Requests, Python → worker: ``{"id": int, "type": str, "payload": {...}}``.
Replies, worker → Python: ``{"id": int, "type": "progress"|"token"|"result"|"error", ...}``
with the fields of ``REPLIES``; a ``result`` carries the request type's ``result``
fields in ``payload``. Every request ends with exactly one ``result`` or ``error``; the
only replies before it are the request type's ``streams``. A reply to a request whose id
could not be read has id ``UNKNOWN_ID``.

Handshake: the client's first request is ``hello`` with its ``VERSION``; the worker
answers ``incompatible`` when the versions differ, and the client refuses a worker whose
version or handled types differ from this definition.

Field types are JSON type names (``string``, ``boolean``, ``number``, ``integer``,
``array``, ``object``, ``null``, ``vector``: an array or a typed array of numbers) or the
name of one of ``ENUMS``, joined by ``|`` for alternatives, or ``name[]``: an array of
objects with the fields of ``RECORDS[name]``. A field name ending in ``?`` may be absent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

VERSION = 3
UNKNOWN_ID = -1

ReplyType = Literal["progress", "token", "result", "error"]

Device = Literal["webgpu", "wasm"]
Role = Literal["embedder", "generator"]
# Why a model runs where it runs. The worker sends the code in ``reason`` and any
# specifics (an exception's text) in ``detail``; the UI words each code.
DeviceReason = Literal[
    "adapter",  # a real WebGPU adapter is in use
    "forced",  # a software adapter, used because WebGPU was forced
    "no-webgpu-api",  # the browser has no navigator.gpu
    "no-adapter",  # navigator.gpu gave no adapter
    "fallback-adapter",  # only a software adapter, slower than WASM: skipped
    "no-webgpu-build",  # the model has no WebGPU dtype
    "no-shader-f16",  # the adapter lacks shader-f16 and the model has only f16 WebGPU builds
    "webgpu-load-failed",  # loading on WebGPU failed; WASM instead
    "webgpu-run-failed",  # running on WebGPU failed; moved to WASM
]

# Error codes, each with who raises it: the worker sends its codes in error replies; the
# client raises its own (``InferenceError.code``) when the worker cannot answer.
ERROR_CODES: dict[str, Literal["worker", "client"]] = {
    "bad-request": "worker",  # unknown type, missing or ill-typed payload field
    "incompatible": "worker",  # the two sides speak different protocol versions (either side)
    "not-found": "worker",  # a model or file is missing on the server
    "load-failed": "worker",  # the model could not be loaded on any device
    "not-loaded": "worker",  # embed/generate on a model that is not loaded
    "failed": "worker",  # anything else thrown by a handler
    "offline": "worker",  # a model file is not on the device and the network cannot be reached
    "no-space": "worker",  # the storage quota leaves no room for a model (the message says what to free)
    "timeout": "client",  # the worker stayed silent past the request's timeout
    "crashed": "client",  # the worker could not start, or stopped
    "bad-reply": "client",  # a reply that breaks this protocol
}
ErrorCode = Literal[
    "bad-request", "incompatible", "not-found", "load-failed", "not-loaded", "failed",
    "offline", "no-space", "timeout", "crashed", "bad-reply",
]

ENUMS: dict[str, tuple[str, ...]] = {
    "device": get_args(Device),
    "role": get_args(Role),
    "reason": get_args(DeviceReason),
    "code": tuple(ERROR_CODES),
}

REPLIES: dict[str, dict[str, str]] = {
    "progress": {"loaded": "integer", "total": "integer", "file": "string"},
    "token": {"text": "string"},
    "result": {"payload": "object"},
    "error": {"code": "code", "message": "string"},
}

_PLACEMENT = {"device": "device", "dtype": "string", "reason": "reason", "detail": "string"}

# Objects inside arrays (a field typed ``name[]``), checked field by field like a result.
RECORDS: dict[str, dict[str, str]] = {
    # One model of the manifest as this device would run it: ``size`` the bytes of the
    # files a load on ``device``/``dtype`` needs, ``stored`` the bytes of the model kept in
    # the model store (every dtype), ``complete`` every chunk of those files is stored;
    # ``tier`` is the manifest's ("real", or "tiny": random weights for tests).
    "model_state": {"id": "string", "role": "role", "tier": "string", "device": "device",
                    "dtype": "string", "size": "integer", "stored": "integer", "complete": "boolean"},
}


@dataclass(frozen=True)
class RequestType:
    """One request type: its payload, its result, what it may stream, and how many
    seconds of silence the client waits before giving up (progress and tokens restart
    the wait, so a long download does not time out while it moves)."""

    payload: Mapping[str, str]
    result: Mapping[str, str]
    timeout_s: int
    streams: tuple[ReplyType, ...] = ()


REQUESTS: dict[str, RequestType] = {
    "hello": RequestType(
        {"protocol": "integer"},
        {"protocol": "integer", "handles": "array", "isolated": "boolean", "threads": "integer"},
        60,
    ),
    "probe": RequestType(
        {"force_webgpu": "boolean"},
        {"device": "device", "reason": "reason", "detail": "string", "adapter": "object|null",
         "f16": "boolean"},
        60,
    ),
    "load": RequestType(
        {"model": "string", "role": "role", "force_webgpu": "boolean"},
        {"model": "string", **_PLACEMENT, "files": "integer", "bytes": "integer",
         "load_ms": "number", "warm_ms": "number", "cached?": "boolean"},
        300,
        ("progress",),
    ),
    "embed": RequestType(
        {"model": "string", "texts": "array", "prefix": "string"},
        {"vectors": "vector", "dim": "integer"},
        180,
    ),
    # Loads the library's passage vectors into the worker.
    "index": RequestType(
        {"url": "string", "count": "integer", "dim": "integer", "sha256": "string"},
        {"count": "integer", "dim": "integer"},
        120,
    ),
    # ``hits`` are [row, score] pairs, best first; ``rows`` restricts the search when non-empty.
    "search": RequestType(
        {"vector": "vector", "k": "integer", "rows": "array"},
        {"hits": "array"},
        60,
    ),
    "generate": RequestType(
        # reuse_prefix (default true): false computes the system message's keys and values again
        {"model": "string", "messages": "array", "max_new_tokens": "integer", "reuse_prefix?": "boolean"},
        {"text": "string", "tokens": "integer", "ttft_ms": "number|null", "ms": "number",
         "interrupted": "boolean", **_PLACEMENT,
         # prompt tokens; of them, those whose key/value cache was reused (the system prefix);
         # whether that cache was computed for this prompt (false: kept from an earlier one)
         "prompt_tokens?": "integer", "reused_tokens?": "integer", "prefix_computed?": "boolean"},
        300,
        ("token",),
    ),
    # Stops the generation whose request id is ``target``.
    "interrupt": RequestType({"target": "integer"}, {"interrupted": "boolean"}, 15),
    "unload": RequestType({"model": "string"}, {"unloaded": "boolean"}, 30),
    # The model store (worker/model-store.js), for the model manager: every model of the
    # manifest, and the origin's storage (bytes used and allowed, persistent or not).
    "models": RequestType(
        {"force_webgpu": "boolean"},
        {"models": "model_state[]", "usage": "integer", "quota": "integer", "persisted": "boolean"},
        60,
    ),
    # Stores the files a load of ``model`` on this device needs, without loading it;
    # ``fetched`` counts the bytes that came over the network now.
    "download": RequestType(
        {"model": "string", "force_webgpu": "boolean"},
        {"model": "string", "bytes": "integer", "fetched": "integer"},
        120,
        ("progress",),
    ),
    # Removes every stored chunk of ``model`` (a loaded copy keeps running until unloaded).
    "delete": RequestType({"model": "string"}, {"model": "string", "freed": "integer"}, 60),
    # Reads back the stored chunks of the files a load of ``model`` needs and checks each
    # SHA-256; ``bad`` chunks are deleted (fetched again by the next download or load).
    "verify": RequestType(
        {"model": "string", "force_webgpu": "boolean"},
        {"model": "string", "chunks": "integer", "bad": "integer", "missing": "integer",
         "bytes": "integer"},
        120,
        ("progress",),
    ),
}


class ProtocolError(ValueError):
    """A message does not follow the protocol; the message says how."""


def _is(type_name: str, value: Any) -> bool:
    if type_name.endswith("[]"):
        if type_name[:-2] not in RECORDS:
            raise ProtocolError(f"unknown record type {type_name!r} in the protocol definition")
        return isinstance(value, list | tuple) and all(isinstance(item, Mapping) for item in value)
    if type_name in ENUMS:
        return value in ENUMS[type_name]
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if type_name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "array":
        return isinstance(value, list | tuple)
    if type_name == "vector":
        # A Float32Array arrives in Python as a memoryview (or a JS proxy, converted first).
        return isinstance(value, list | tuple | memoryview)
    if type_name == "object":
        return isinstance(value, Mapping)
    if type_name == "null":
        return value is None
    raise ProtocolError(f"unknown field type {type_name!r} in the protocol definition")


def matches(type_spec: str, value: Any) -> bool:
    """True when ``value`` is of one of the ``|``-separated types of ``type_spec``."""
    return any(_is(name, value) for name in type_spec.split("|"))


def check_fields(fields: Mapping[str, str], obj: Mapping[str, Any], what: str, *, exact: bool) -> None:
    """Raise ProtocolError naming the first missing, ill-typed or (``exact``) unknown field."""
    for name, type_spec in fields.items():
        key = name.rstrip("?")
        if key not in obj:
            if name.endswith("?"):
                continue
            raise ProtocolError(f"{what} lacks field {key!r}")
        if not matches(type_spec, obj[key]):
            raise ProtocolError(
                f"{what} field {key!r} must be {type_spec.replace('|', ' or ')}, "
                f"got {type(obj[key]).__name__} {obj[key]!r:.40}"
            )
        if type_spec.endswith("[]") and "|" not in type_spec:
            for index, item in enumerate(obj[key]):
                check_fields(RECORDS[type_spec[:-2]], item, f"{what} {key}[{index}]", exact=exact)
    if exact:
        unknown = set(obj) - {name.rstrip("?") for name in fields}
        if unknown:
            raise ProtocolError(f"{what} has unknown fields: {', '.join(sorted(unknown))}")


def request(message_id: int, kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Build a request, checking ``kind`` and its payload; raise ProtocolError."""
    if kind not in REQUESTS:
        raise ProtocolError(f"unknown request type {kind!r}; should be one of: {', '.join(REQUESTS)}")
    check_fields(REQUESTS[kind].payload, payload, f"{kind} request payload", exact=False)
    return {"id": message_id, "type": kind, "payload": dict(payload)}


def check_reply(kind: str | None, reply: Mapping[str, Any]) -> None:
    """Raise ProtocolError unless ``reply`` is a valid reply to a ``kind`` request
    (``kind`` None: a reply whose request is unknown, which only an error may be)."""
    message_id = reply.get("id")
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise ProtocolError(f"reply without an integer id: {dict(reply)!r:.120}")
    reply_type = reply.get("type")
    if reply_type not in REPLIES:
        raise ProtocolError(f"unknown reply type {reply_type!r}; should be one of: {', '.join(REPLIES)}")
    check_fields(REPLIES[reply_type], reply, f"{reply_type} reply", exact=False)
    if reply_type == "error":
        return
    if kind is None:
        raise ProtocolError(f"{reply_type} reply {message_id} answers no request sent")
    spec = REQUESTS[kind]
    if reply_type == "result":
        check_fields(spec.result, reply["payload"], f"{kind} result", exact=True)
    elif reply_type not in spec.streams:
        raise ProtocolError(f"a {kind} request gets no {reply_type} replies")


def as_json() -> dict[str, Any]:
    """The definition as written to protocol.json for the worker."""
    return {
        "version": VERSION,
        "unknown_id": UNKNOWN_ID,
        "requests": {
            kind: {"payload": dict(spec.payload), "result": dict(spec.result),
                   "streams": list(spec.streams), "timeout_s": spec.timeout_s}
            for kind, spec in REQUESTS.items()
        },
        "replies": REPLIES,
        "errors": {code: sender for code, sender in ERROR_CODES.items()},
        "enums": {name: list(values) for name, values in ENUMS.items()},
        "records": RECORDS,
    }
