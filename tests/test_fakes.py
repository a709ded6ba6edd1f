"""The fakes refuse what the real worker refuses (worker/*.js), with the same codes.

A fake that accepted any call would let a test pass that the page then fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from app.core.errors import InferenceError
from contracts import protocol
from tests.fakes import DIM, FakeInference, bag_of_words

URL = "/content/vectors.f32"


def ready_fake(**options: Any) -> FakeInference:
    fake = FakeInference(vectors={URL: [bag_of_words("a b"), bag_of_words("c d")]}, **options)

    async def prepare() -> None:
        await fake.index(URL, 2, DIM, "0" * 64)
        await fake.load("embedder-x", "embedder", False)
        await fake.load("gen-x", "generator", False)

    asyncio.run(prepare())
    return fake


def refused(call: Callable[[], Awaitable[Any]], code: str, match: str) -> None:
    with pytest.raises(InferenceError, match=match) as caught:
        asyncio.run(call())  # type: ignore[arg-type]
    assert caught.value.code == code


def test_a_ready_fake_answers_within_the_contract() -> None:
    fake = ready_fake()
    hits = asyncio.run(fake.search(bag_of_words("a b"), 1, []))
    assert hits[0][0] == 0 and hits[0][1] == pytest.approx(1.0)
    assert asyncio.run(fake.embed("embedder-x", ["x"], "query: "))[0] == bag_of_words("x")


@pytest.mark.parametrize(("payload", "match"), [
    ({"k": "3"}, "field 'k' must be integer"),
    ({"k": True}, "field 'k' must be integer"),
    ({"rows": 2}, "field 'rows' must be array"),
    ({"vector": "a b"}, "field 'vector' must be vector"),
])
def test_ill_typed_payloads_are_refused_by_the_contract(payload: dict[str, Any], match: str) -> None:
    fake = ready_fake()
    call = {"vector": bag_of_words("a"), "k": 3, "rows": [], **payload}
    refused(lambda: fake.search(call["vector"], call["k"], call["rows"]), "bad-request", match)


def test_search_checks_dimension_k_and_rows_like_the_worker() -> None:
    fake = ready_fake()
    refused(lambda: fake.search([1.0, 0.0], 3, []), "bad-request", "has 2 numbers; the index has dim 64")
    refused(lambda: fake.search(bag_of_words("a"), -1, []), "bad-request", "'k' must be an integer from 0")
    refused(lambda: fake.search(bag_of_words("a"), 3, [2]), "bad-request",
            r"'rows\[\]' must be an integer from 0 to 1")
    empty = FakeInference()
    refused(lambda: empty.search(bag_of_words("a"), 3, []), "not-loaded", "send index first")


def test_models_must_exist_be_loaded_and_be_used_in_their_role() -> None:
    fake = ready_fake()
    refused(lambda: fake.load("nope", "generator", False), "not-found",
            "not in the manifest; it has: embedder-x, gen-x")
    refused(lambda: fake.load("gen-x", "embedder", False), "bad-request", "is a generator, not a embedder")
    refused(lambda: fake.load("gen-x", "judge", False), "bad-request", "field 'role' must be role")
    refused(lambda: fake.embed("gen-x", ["x"], "query: "), "bad-request", "is a generator, not a embedder")
    refused(lambda: fake.generate("embedder-x", [{"role": "user", "content": "hi"}], 8),
            "bad-request", "is a embedder, not a generator")
    refused(lambda: FakeInference().embed("embedder-x", ["x"], "query: "), "not-loaded", "send load first")


def test_embed_needs_an_e5_prefix_and_generate_a_chat() -> None:
    fake = ready_fake()
    refused(lambda: fake.embed("embedder-x", ["x"], ""), "bad-request", "prefix must be one of")
    refused(lambda: fake.embed("embedder-x", ["x"], "question: "), "bad-request", "prefix must be one of")
    refused(lambda: fake.generate("gen-x", [], 8), "bad-request", "'messages' is empty")
    refused(lambda: fake.generate("gen-x", [{"role": "user"}], 8), "bad-request", r"messages\[0\] must be")
    refused(lambda: fake.generate("gen-x", [{"role": "user", "content": "hi"}], 1.5),
            "bad-request", "'max_new_tokens' must be integer")


def test_index_checks_what_the_file_holds() -> None:
    fake = FakeInference(vectors={URL: [bag_of_words("a")]})
    refused(lambda: fake.index("/other.f32", 1, DIM, "0" * 64), "not-found", "HTTP 404")
    refused(lambda: fake.index(URL, 2, DIM, "0" * 64), "failed", "expected 2 × 64 float32")
    refused(lambda: fake.index(URL, 1, 0, "0" * 64), "bad-request", "dim >= 1")


def test_the_first_call_shakes_hands_like_the_bridge() -> None:
    refused(lambda: FakeInference(version=protocol.VERSION + 1).probe(False), "incompatible",
            f"the page speaks protocol {protocol.VERSION}")
    refused(lambda: FakeInference(handles=["hello", "embed"]).probe(False), "incompatible",
            "this page needs")
    hello = asyncio.run(FakeInference().hello())
    protocol.check_reply("hello", {"id": 1, "type": "result", "payload": hello})
