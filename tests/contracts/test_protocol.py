"""The worker protocol's Python side; the worker's side is tests/worker/test_protocol.py,
and every reply the worker sends in the browser tests passes through ``check_reply``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts import protocol
from contracts.protocol import ProtocolError, check_reply, request

ROOT = Path(__file__).resolve().parents[2]

LOAD_RESULT: dict[str, Any] = {
    "model": "m", "device": "wasm", "dtype": "q8", "reason": "no-adapter", "detail": "", "files": 3,
    "bytes": 10, "load_ms": 1.5, "warm_ms": 0.5,
}


def test_requests_are_checked_against_the_definition() -> None:
    assert request(7, "embed", {"model": "m", "texts": ["a"], "prefix": "query: "}) == {
        "id": 7, "type": "embed", "payload": {"model": "m", "texts": ["a"], "prefix": "query: "}}
    with pytest.raises(ProtocolError, match="unknown request type 'train'; should be one of"):
        request(1, "train", {})
    with pytest.raises(ProtocolError, match="embed request payload lacks field 'prefix'"):
        request(1, "embed", {"model": "m", "texts": []})
    with pytest.raises(ProtocolError, match="field 'k' must be integer, got bool"):
        request(1, "search", {"vector": [], "k": True, "rows": []})
    with pytest.raises(ProtocolError, match="field 'role' must be role, got str 'poet'"):
        request(1, "load", {"model": "m", "role": "poet", "force_webgpu": False})


def test_results_are_typed_per_request() -> None:
    check_reply("load", {"id": 1, "type": "result", "payload": LOAD_RESULT})
    check_reply("load", {"id": 1, "type": "result", "payload": {**LOAD_RESULT, "cached": True}})
    with pytest.raises(ProtocolError, match="load result lacks field 'detail'"):
        check_reply("load", {"id": 1, "type": "result",
                             "payload": {k: v for k, v in LOAD_RESULT.items() if k != "detail"}})
    with pytest.raises(ProtocolError, match="field 'reason' must be reason"):
        check_reply("load", {"id": 1, "type": "result",
                             "payload": {**LOAD_RESULT, "reason": "webgpu-load-failed: boom"}})
    with pytest.raises(ProtocolError, match="load result has unknown fields: surprise"):
        check_reply("load", {"id": 1, "type": "result", "payload": {**LOAD_RESULT, "surprise": 1}})
    check_reply("generate", {"id": 2, "type": "result", "payload": {
        "text": "hi", "tokens": 1, "ttft_ms": None, "ms": 3.0, "interrupted": False,
        "device": "wasm", "dtype": "q8", "reason": "no-adapter", "detail": ""}})


def test_streams_belong_to_their_request_types() -> None:
    check_reply("load", {"id": 1, "type": "progress", "loaded": 1, "total": 2, "file": "a"})
    check_reply("generate", {"id": 1, "type": "token", "text": "a"})
    with pytest.raises(ProtocolError, match="a search request gets no token replies"):
        check_reply("search", {"id": 1, "type": "token", "text": "a"})
    with pytest.raises(ProtocolError, match="progress reply field 'loaded' must be integer"):
        check_reply("load", {"id": 1, "type": "progress", "loaded": "1", "total": 2, "file": "a"})


def test_replies_need_an_id_and_a_known_type_and_code() -> None:
    with pytest.raises(ProtocolError, match="unknown reply type 'status'"):
        check_reply("hello", {"id": 1, "type": "status"})
    with pytest.raises(ProtocolError, match="reply without an integer id"):
        check_reply("hello", {"type": "result"})
    with pytest.raises(ProtocolError, match="field 'code' must be code"):
        check_reply("hello", {"id": 1, "type": "error", "code": "oops", "message": "m"})
    check_reply(None, {"id": protocol.UNKNOWN_ID, "type": "error", "code": "bad-request", "message": "m"})
    with pytest.raises(ProtocolError, match="answers no request sent"):
        check_reply(None, {"id": 5, "type": "result", "payload": {}})


def test_every_type_name_in_the_definition_is_known() -> None:
    specs = [spec for r in protocol.REQUESTS.values() for spec in (*r.payload.values(), *r.result.values())]
    specs += [spec for fields in protocol.REPLIES.values() for spec in fields.values()]
    for spec in specs:
        protocol.matches(spec, object())  # raises ProtocolError on an unknown type name
    assert all(r.timeout_s > 0 for r in protocol.REQUESTS.values())


def test_the_built_protocol_file_is_this_definition() -> None:
    built = ROOT / "dist/worker/protocol.json"
    if not built.is_file():
        pytest.fail("dist/worker/protocol.json missing: run `make build`")
    assert json.loads(built.read_text(encoding="utf-8")) == protocol.as_json()


MODEL_STATE: dict[str, Any] = {"id": "m", "role": "generator", "tier": "real", "device": "wasm",
                               "dtype": "q8", "size": 10, "stored": 0, "complete": False}


def test_records_in_arrays_are_checked_field_by_field() -> None:
    result = {"models": [MODEL_STATE], "usage": 0, "quota": 100, "persisted": False}
    check_reply("models", {"id": 1, "type": "result", "payload": result})
    with pytest.raises(ProtocolError, match=r"models result models\[0\] lacks field 'complete'"):
        check_reply("models", {"id": 1, "type": "result", "payload": {
            **result, "models": [{k: v for k, v in MODEL_STATE.items() if k != "complete"}]}})
    with pytest.raises(ProtocolError, match=r"models\[1\] field 'role' must be role"):
        check_reply("models", {"id": 1, "type": "result", "payload": {
            **result, "models": [MODEL_STATE, {**MODEL_STATE, "role": "poet"}]}})
    with pytest.raises(ProtocolError, match="field 'models' must be model_state"):
        check_reply("models", {"id": 1, "type": "result", "payload": {**result, "models": [1]}})
    check_reply("download", {"id": 1, "type": "progress", "loaded": 1, "total": 2, "file": "a"})
