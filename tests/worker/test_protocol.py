"""The protocol seen from both sides: the worker answers by app/core/protocol.py."""

from __future__ import annotations

from typing import Any

import pytest

from app.core import protocol
from tests.worker.conftest import WorkerDriver

pytestmark = pytest.mark.browser

# A value of the wrong JSON type for each protocol type.
WRONG_VALUE: dict[str, Any] = {"string": 7, "boolean": "yes", "number": "3", "array": "not a list"}


def test_hello_handles_exactly_the_protocol_requests(worker: WorkerDriver) -> None:
    hello = worker.result("hello", {})
    assert sorted(hello["handles"]) == sorted(protocol.REQUESTS)
    assert hello["protocol"] == protocol.VERSION
    assert hello["isolated"] is True  # the server's COOP/COEP reach the worker
    cores = worker.page.evaluate("navigator.hardwareConcurrency")
    assert hello["threads"] == min(4, cores)


def test_every_reply_follows_the_protocol(worker: WorkerDriver) -> None:
    replies = worker.call("load", {"model": "tiny-embedder", "role": "embedder", "force_webgpu": False})
    replies += worker.call("hello", {"x": 1})
    replies += worker.call("embed", {"model": "nope", "texts": [], "prefix": ""})
    for reply in replies:
        protocol.check_reply(reply)
    assert [r["type"] for r in replies].count("progress") > 0


def test_unknown_type_is_a_bad_request_listing_the_known_ones(worker: WorkerDriver) -> None:
    error = worker.error("summon", {})
    assert error["code"] == "bad-request"
    assert '"summon"' in error["message"]
    for kind in protocol.REQUESTS:
        assert kind in error["message"]


def test_each_missing_payload_field_is_named(worker: WorkerDriver) -> None:
    cases = [(kind, field) for kind, fields in protocol.REQUESTS.items() for field in fields]
    assert len(cases) >= 15
    for kind, missing in cases:
        payload = {field: example(json_type) for field, json_type in protocol.REQUESTS[kind].items()
                   if field != missing}
        error = worker.error(kind, payload)
        assert error["code"] == "bad-request", (kind, missing, error)
        assert f"'{missing}'" in error["message"], (kind, missing, error)


def test_each_ill_typed_payload_field_is_named_with_its_type(worker: WorkerDriver) -> None:
    for kind, fields in protocol.REQUESTS.items():
        for field, json_type in fields.items():
            payload = {name: example(t) for name, t in fields.items()}
            payload[field] = WRONG_VALUE[json_type]
            error = worker.error(kind, payload)
            assert error["code"] == "bad-request", (kind, field, error)
            assert f"'{field}'" in error["message"] and json_type in error["message"], error


def test_a_request_without_an_integer_id_is_answered_with_id_minus_one(worker: WorkerDriver) -> None:
    worker.send_raw({"id": "seven", "type": "hello", "payload": {}})
    error = worker.done(-1)[-1]
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
    assert {e["code"] for e in errors} <= set(protocol.ERROR_CODES)
    assert {e["code"] for e in errors} == {"bad-request", "not-loaded", "not-found"}


def example(json_type: str) -> Any:
    return {"string": "x", "boolean": False, "number": 1, "array": []}[json_type]
