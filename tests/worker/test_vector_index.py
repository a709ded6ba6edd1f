"""The library's vectors in the worker: integrity checks and top-k dot-product search.
Expected hits are computed here in Python from the same float32 file."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.worker.conftest import WorkerDriver

pytestmark = pytest.mark.browser


def index_request(vectors: dict[str, Any], **changes: Any) -> dict[str, Any]:
    request = {key: vectors[key] for key in ("url", "count", "dim", "sha256")}
    return {**request, **changes}


def top_k(rows: list[list[float]], query: list[float], k: int, only: list[int]) -> list[tuple[int, float]]:
    candidates = only or range(len(rows))
    scored = []
    for row in candidates:
        score = 0.0
        for a, b in zip(rows[row], query, strict=True):
            score += a * b
        scored.append((row, score))
    return sorted(scored, key=lambda hit: (-hit[1], hit[0]))[:k]


def test_search_returns_the_best_rows_first(worker: WorkerDriver, vectors: dict[str, Any]) -> None:
    loaded = worker.result("index", index_request(vectors))
    assert loaded == {"count": vectors["count"], "dim": vectors["dim"]}
    rng = random.Random(5)
    for _ in range(3):
        query = vectors["rows"][rng.randrange(vectors["count"])]
        hits = worker.result("search", {"vector": query, "k": 5, "rows": []})["hits"]
        expected = top_k(vectors["rows"], query, 5, [])
        assert [row for row, _ in hits] == [row for row, _ in expected]
        assert [score for _, score in hits] == pytest.approx([score for _, score in expected], abs=1e-9)
        assert hits[0][1] == pytest.approx(1.0, abs=1e-5)  # the query is a row of the index


def test_rows_restrict_the_search(worker: WorkerDriver, vectors: dict[str, Any]) -> None:
    worker.result("index", index_request(vectors))
    query = vectors["rows"][0]
    only = [7, 42, 99, 150, 299]
    hits = worker.result("search", {"vector": query, "k": 3, "rows": only})["hits"]
    assert [row for row, _ in hits] == [row for row, _ in top_k(vectors["rows"], query, 3, only)]
    assert {row for row, _ in hits} <= set(only)
    everything = worker.result("search", {"vector": query, "k": 1000, "rows": []})["hits"]
    assert len(everything) == vectors["count"]
    assert worker.result("search", {"vector": query, "k": 0, "rows": []})["hits"] == []


def test_a_wrong_sha256_or_length_is_refused(worker: WorkerDriver, vectors: dict[str, Any]) -> None:
    wrong_sha = worker.error("index", index_request(vectors, sha256="0" * 64))
    assert vectors["sha256"] in wrong_sha["message"] and "0" * 64 in wrong_sha["message"]
    wrong_count = worker.error("index", index_request(vectors, count=vectors["count"] + 1))
    expected_bytes = (vectors["count"] + 1) * vectors["dim"] * 4
    assert str(expected_bytes) in wrong_count["message"]
    assert str(vectors["count"] * vectors["dim"] * 4) in wrong_count["message"]
    missing = worker.error("index", index_request(vectors, url="/content/nothing.f32"))
    assert missing["code"] == "not-found" and "/content/nothing.f32" in missing["message"]
    # None of these replaced the index: there is none yet.
    assert worker.error("search", {"vector": vectors["rows"][0], "k": 1, "rows": []})["code"] == "not-loaded"


def test_search_checks_its_query(worker: WorkerDriver, vectors: dict[str, Any]) -> None:
    worker.result("index", index_request(vectors))
    short = worker.error("search", {"vector": [0.5] * (vectors["dim"] - 1), "k": 1, "rows": []})
    assert short["code"] == "bad-request" and str(vectors["dim"]) in short["message"]
    outside = worker.error("search", {"vector": vectors["rows"][0], "k": 1, "rows": [vectors["count"]]})
    assert outside["code"] == "bad-request" and "rows" in outside["message"]
