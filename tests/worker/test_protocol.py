"""The protocol seen from both sides: the worker answers by contracts/protocol.py, and
every reply here is also checked by the Python side's ``check_reply`` (tests/worker/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import protocol
from tests.worker.conftest import WorkerDriver

pytestmark = pytest.mark.browser

# A value of the wrong JSON type for each protocol type.
WRONG_VALUE: dict[str, Any] = {
    "string": 7, "boolean": "yes", "number": "3", "integer": 1.5, "array": "not a list",
    "vector": "not a list", "role": "poet", "object": [],
}
HELLO = {"protocol": protocol.VERSION}


def test_hello_handles_exactly_the_protocol_requests(worker: WorkerDriver) -> None:
    hello = worker.result("hello", HELLO)
    assert sorted(hello["handles"]) == sorted(protocol.REQUESTS)
    assert hello["protocol"] == protocol.VERSION
    assert hello["isolated"] is True  # the server's COOP/COEP reach the worker
    cores = worker.page.evaluate("navigator.hardwareConcurrency")
    assert hello["threads"] == min(4, cores)


def test_every_reply_follows_the_protocol(worker: WorkerDriver) -> None:
    replies = worker.call("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": False})
    replies += worker.call("hello", {**HELLO, "x": 1})
    replies += worker.call("embed", {"model": "nope", "texts": [], "prefix": ""})
    replies += worker.call("embed", {"model": "tiny-embedder", "texts": ["a", "b"], "prefix": "query: "})
    replies += worker.call("probe", {"force_webgpu": False})
    # The driver has checked each reply with contracts.protocol.check_reply on the way.
    assert [r["type"] for r in replies].count("progress") > 0
    assert [r["type"] for r in replies].count("result") == 4


def test_a_worker_of_another_protocol_version_is_refused(worker: WorkerDriver) -> None:
    error = worker.error("hello", {"protocol": protocol.VERSION + 1})
    assert error["code"] == "incompatible"
    assert f"protocol {protocol.VERSION + 1}" in error["message"]
    assert str(protocol.VERSION) in error["message"]


def test_the_worker_checks_its_own_replies_before_posting(worker: WorkerDriver) -> None:
    """A handler that returns the wrong shape reaches Python as a clear error, never as
    a malformed reply: break the index handler's result inside the page and call it."""
    checked = worker.page.evaluate("""async () => {
        const { checkReply } = await import('/worker/request.js');
        const attempts = [
            ['index', {id: 1, type: 'result', payload: {count: 3}}],
            ['index', {id: 1, type: 'result', payload: {count: 3, dim: 2, extra: 1}}],
            ['search', {id: 1, type: 'token', text: 'x'}],
            ['load', {id: 1, type: 'result', payload: {model: 'm', device: 'tpu', dtype: 'q8',
              reason: 'adapter', detail: '', files: 1, bytes: 1, load_ms: 1, warm_ms: 1}}],
            ['index', {id: 1, type: 'result', payload: {count: 3, dim: 2}}],
        ];
        return attempts.map(([type, reply]) => {
            try { checkReply(type, reply); return 'ok'; } catch (error) { return error.message; }
        });
    }""")
    assert checked[0] == "index result lacks field 'dim'"
    assert checked[1] == "index result has unknown fields: extra"
    assert checked[2] == "a search request gets no token replies"
    assert "field 'device' must be device" in checked[3]
    assert checked[4] == "ok"


def test_unknown_type_is_a_bad_request_listing_the_known_ones(worker: WorkerDriver) -> None:
    error = worker.error("summon", {})
    assert error["code"] == "bad-request"
    assert '"summon"' in error["message"]
    for kind in protocol.REQUESTS:
        assert kind in error["message"]


def test_each_missing_payload_field_is_named(worker: WorkerDriver) -> None:
    # Optional fields ("name?") may be left out.
    cases = [(kind, field) for kind, spec in protocol.REQUESTS.items() for field in spec.payload
             if not field.endswith("?")]
    assert len(cases) >= 16
    for kind, missing in cases:
        payload = {field.rstrip("?"): example(json_type)
                   for field, json_type in protocol.REQUESTS[kind].payload.items() if field != missing}
        error = worker.error(kind, payload)
        assert error["code"] == "bad-request", (kind, missing, error)
        assert f"'{missing}'" in error["message"], (kind, missing, error)


def test_each_ill_typed_payload_field_is_named_with_its_type(worker: WorkerDriver) -> None:
    for kind, spec in protocol.REQUESTS.items():
        fields = spec.payload
        for field, json_type in fields.items():
            payload = {name.rstrip("?"): example(t) for name, t in fields.items()}
            payload[field.rstrip("?")] = WRONG_VALUE[json_type]
            error = worker.error(kind, payload)
            assert error["code"] == "bad-request", (kind, field, error)
            assert f"'{field.rstrip('?')}'" in error["message"] and json_type in error["message"], error
            assert not protocol.matches(json_type, WRONG_VALUE[json_type])


def test_a_request_without_an_integer_id_is_answered_with_id_minus_one(worker: WorkerDriver) -> None:
    worker.send_raw({"id": "seven", "type": "hello", "payload": HELLO})
    error = worker.done(protocol.UNKNOWN_ID)[-1]
    assert error["type"] == "error" and error["code"] == "bad-request"
    assert "integer id" in error["message"]


def test_errors_name_the_model(worker: WorkerDriver) -> None:
    not_loaded = worker.error("embed", {"model": "tiny-embedder", "texts": ["a"], "prefix": ""})
    assert not_loaded["code"] == "not-loaded" and "tiny-embedder" in not_loaded["message"]

    unknown = worker.error("load", {"model": "giant-9000", "role": "generator", "force_webgpu": False})
    assert unknown["code"] == "not-found"
    assert "giant-9000" in unknown["message"] and "tiny-qwen2" in unknown["message"]

    wrong_role = worker.error("load", {"model": "tiny-embedder", "role": "generator", "force_webgpu": False})
    assert wrong_role["code"] == "bad-request" and "embedder" in wrong_role["message"]

    bad_role = worker.error("load", {"model": "tiny-embedder", "role": "poet", "force_webgpu": False})
    assert bad_role["code"] == "bad-request" and '"poet"' in bad_role["message"]


def test_error_codes_are_the_protocols(worker: WorkerDriver) -> None:
    errors = [
        worker.error("nope", {}),
        worker.error("generate", {"model": "tiny-qwen2", "messages": [], "max_new_tokens": 1}),
        worker.error("search", {"vector": [1.0], "k": 1, "rows": []}),
        worker.error("load", {"model": "missing", "role": "embedder", "force_webgpu": False}),
    ]
    worker_codes = {code for code, sender in protocol.ERROR_CODES.items() if sender == "worker"}
    assert {e["code"] for e in errors} <= worker_codes
    assert {e["code"] for e in errors} == {"bad-request", "not-loaded", "not-found"}


def example(json_type: str) -> Any:
    return {"string": "x", "boolean": False, "number": 1, "integer": 1, "array": [], "vector": [],
            "role": "embedder"}[json_type]

