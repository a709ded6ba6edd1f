from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core import protocol
from app.core.protocol import ProtocolError, check_reply, request


def test_requests_are_checked_against_the_definition() -> None:
    assert request(7, "embed", {"model": "m", "texts": ["a"], "prefix": "query: "}) == {
        "id": 7, "type": "embed", "payload": {"model": "m", "texts": ["a"], "prefix": "query: "}}
    with pytest.raises(ProtocolError, match="unknown request type 'train'; should be one of"):
        request(1, "train", {})
    with pytest.raises(ProtocolError, match="embed request lacks payload field 'prefix'"):
        request(1, "embed", {"model": "m", "texts": []})
    with pytest.raises(ProtocolError, match="field 'k' must be a number, got bool"):
        request(1, "search", {"vector": [], "k": True, "rows": []})


def test_replies_need_an_id_and_a_known_type() -> None:
    check_reply({"id": 1, "type": "token", "text": "a"})
    with pytest.raises(ProtocolError, match="unknown reply type 'status'"):
        check_reply({"id": 1, "type": "status"})
    with pytest.raises(ProtocolError, match="reply without an integer id"):
        check_reply({"type": "result"})


def test_the_built_protocol_file_is_this_definition() -> None:
    built = Path(__file__).resolve().parents[3] / "dist/worker/protocol.json"
    if not built.is_file():
        pytest.fail("dist/worker/protocol.json missing: run `make build`")
    assert json.loads(built.read_text(encoding="utf-8")) == protocol.as_json()
