"""Progress sync over HTTP: idempotency, deterministic merge, cursors, limits, isolation."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.sync import MAX_CLOCK_SKEW_MS
from server.app import create_app
from server.settings import Settings
from tests.server.support.app import dev_login

_ids = itertools.count(1)


def change(entity: str, hlc: str, kind: str = "topic_progress", **fields: Any) -> dict[str, Any]:
    return {
        "id": f"change-{next(_ids):08d}",
        "kind": kind,
        "entity_id": entity,
        "hlc": hlc,
        "fields": fields,
    }


def hlc(wall_ms: int, counter: int = 0) -> str:
    return f"{wall_ms:015d}-{counter:06d}"


def register(client: TestClient, device: str) -> None:
    response = client.post("/api/sync/devices", json={"device_id": device})
    assert response.status_code == 200, response.text


def push(client: TestClient, device: str, *changes: dict[str, Any]) -> dict[str, Any]:
    """Register ``device`` (harmless when it is already) and push ``changes`` from it."""
    register(client, device)
    response = client.post("/api/sync/push", json={"device_id": device, "changes": list(changes)})
    assert response.status_code == 200, response.text
    return dict(response.json())


def pull_all(client: TestClient, device: str = "laptop", since: int = 0) -> dict[tuple[str, str, str], Any]:
    state: dict[tuple[str, str, str], Any] = {}
    while True:
        page = client.get(
            "/api/sync/changes", params={"device_id": device, "since": since, "limit": 2}
        ).json()
        for c in page["changes"]:
            state[(c["kind"], c["entity_id"], c["field"])] = c["value"]
        since = page["cursor"]
        if not page["has_more"]:
            return state


@pytest.fixture
def alice(app: FastAPI) -> TestClient:
    client = TestClient(app)
    dev_login(client, "alice")
    register(client, "laptop")
    return client


def test_a_change_applied_twice_counts_once(alice: TestClient) -> None:
    edit = change("python.loops", hlc(1000), status="done", score=3)
    assert push(alice, "laptop", edit) == {"applied": [edit["id"]], "duplicates": []}
    assert push(alice, "laptop", edit) == {"applied": [], "duplicates": [edit["id"]]}
    page = alice.get("/api/sync/changes", params={"device_id": "laptop"}).json()
    assert sorted(c["field"] for c in page["changes"]) == ["score", "status"]
    assert [c["seq"] for c in page["changes"]] == [1, 2]  # no second write


def test_duplicate_inside_one_batch_counts_once(alice: TestClient) -> None:
    edit = change("python.loops", hlc(1000), status="done")
    assert push(alice, "laptop", edit, edit) == {"applied": [edit["id"]], "duplicates": [edit["id"]]}


def test_concurrent_edits_merge_per_field_whatever_the_arrival_order(app: FastAPI) -> None:
    # Laptop edits status at t=2000 and notes at t=1000; phone edits both at t=1500.
    laptop = [change("python.loops", hlc(2000), status="done"), change("python.loops", hlc(1000), note="L")]
    phone = [change("python.loops", hlc(1500), status="doing", note="P")]
    results = []
    for order, name in (((laptop, phone), "u1"), ((phone, laptop), "u2")):
        client = TestClient(app)
        dev_login(client, name)
        devices = ("laptop", "phone") if order[0] is laptop else ("phone", "laptop")
        for device, batch in zip(devices, order, strict=True):
            push(client, device, *batch)
        results.append(pull_all(client, devices[0]))
    expected = {
        ("topic_progress", "python.loops", "status"): "done",
        ("topic_progress", "python.loops", "note"): "P",
    }
    assert results[0] == results[1] == expected


def test_equal_clocks_are_broken_by_device_id(app: FastAPI) -> None:
    finals = []
    for order, name in ((("aaa", "zzz"), "u1"), (("zzz", "aaa"), "u2")):
        client = TestClient(app)
        dev_login(client, name)
        for device in order:
            push(client, device, change("card-1", hlc(5000, 3), kind="review_card", due=device))
        finals.append(pull_all(client, "aaa"))
    assert finals[0] == finals[1] == {("review_card", "card-1", "due"): "zzz"}


def test_older_edit_arriving_late_loses_but_is_acknowledged(alice: TestClient) -> None:
    push(alice, "laptop", change("n1", hlc(9000), kind="note", text="new"))
    late = change("n1", hlc(100), kind="note", text="old")
    assert push(alice, "phone", late)["applied"] == [late["id"]]
    assert pull_all(alice) == {("note", "n1", "text"): "new"}


def test_pull_pages_through_changes_since_a_cursor(alice: TestClient) -> None:
    for i in range(5):
        push(alice, "laptop", change(f"topic-{i}", hlc(1000 + i), status="done"))
    first = alice.get("/api/sync/changes", params={"device_id": "laptop", "limit": 3}).json()
    assert [c["entity_id"] for c in first["changes"]] == ["topic-0", "topic-1", "topic-2"]
    assert first["has_more"] is True
    rest = alice.get("/api/sync/changes", params={"device_id": "laptop", "since": first["cursor"]}).json()
    assert [c["entity_id"] for c in rest["changes"]] == ["topic-3", "topic-4"]
    assert rest["has_more"] is False
    empty = alice.get("/api/sync/changes", params={"device_id": "laptop", "since": rest["cursor"]}).json()
    assert empty == {"changes": [], "cursor": rest["cursor"], "has_more": False}


def test_an_overwritten_field_moves_to_the_end_of_the_log(alice: TestClient) -> None:
    push(alice, "laptop", change("a", hlc(1), status="x"), change("b", hlc(2), status="y"))
    cursor = alice.get("/api/sync/changes", params={"device_id": "laptop"}).json()["cursor"]
    push(alice, "laptop", change("a", hlc(3), status="z"))
    page = alice.get("/api/sync/changes", params={"device_id": "laptop", "since": cursor}).json()
    assert [(c["entity_id"], c["value"]) for c in page["changes"]] == [("a", "z")]


def test_learners_never_see_or_overwrite_each_other(app: FastAPI, alice: TestClient) -> None:
    bob = TestClient(app)
    dev_login(bob, "bob")
    push(alice, "laptop", change("shared-id", hlc(1000), kind="note", text="alice's"))
    push(bob, "laptop", change("shared-id", hlc(9000), kind="note", text="bob's"))
    assert pull_all(alice) == {("note", "shared-id", "text"): "alice's"}
    assert pull_all(bob) == {("note", "shared-id", "text"): "bob's"}
    # a change id used by alice is not a duplicate for bob
    reused = change("other", hlc(1), kind="note", text="x")
    push(alice, "laptop", reused)
    assert push(bob, "laptop", reused)["applied"] == [reused["id"]]


def test_sync_needs_a_login(client: TestClient) -> None:
    assert client.get("/api/sync/changes", params={"device_id": "x"}).status_code == 401
    token = client.get("/api/session").json()["csrf_token"]
    response = client.post(
        "/api/sync/push",
        json={"device_id": "x", "changes": [change("a", hlc(1), status="x")]},
        headers={"x-csrf-token": token},
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda c: c.update(hlc="12-3"), "hlc"),
        (lambda c: c.update(kind="diary"), "kind"),
        (lambda c: c.update(entity_id="a b"), "entity_id"),
        (lambda c: c.update(entity_id="x" * 129), "entity_id"),
        (lambda c: c.update(id="short"), "id"),
        (lambda c: c.update(fields={}), "fields"),
        (lambda c: c.update(fields={"Bad-Name": 1}), "fields"),
        (lambda c: c.update(fields={f"f{i}": i for i in range(33)}), "fields"),
        (lambda c: c.update(fields={"text": "x" * 70000}), "fields"),
        (lambda c: c.update(fields={"text": "nul\u0000"}), "fields"),
        (lambda c: c.update(fields={"n": 2**60}), "fields"),
        (lambda c: c.update(extra=1), "extra"),
    ],
)
def test_invalid_changes_are_refused_with_the_field_named(alice: TestClient, mutate: Any, where: str) -> None:
    bad = change("a", hlc(1), status="x")
    mutate(bad)
    response = alice.post("/api/sync/push", json={"device_id": "laptop", "changes": [bad]})
    assert response.status_code == 422
    assert where in response.json()["detail"]
    assert pull_all(alice) == {}


def test_batch_and_body_size_limits(alice: TestClient) -> None:
    batch = [change(f"t{i}", hlc(1), status="x") for i in range(201)]
    response = alice.post("/api/sync/push", json={"device_id": "laptop", "changes": batch})
    assert response.status_code == 422
    assert "changes" in response.json()["detail"]
    huge = alice.post(
        "/api/sync/push",
        content=b'{"device_id": "x", "changes": [' + b" " * 1_100_000 + b"]}",
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert "larger than" in huge.json()["detail"]


@pytest.mark.parametrize(
    "params", [{"since": -1}, {"since": 2**63}, {"limit": 0}, {"limit": 5000}, {"since": "abc"}]
)
def test_invalid_pull_parameters(alice: TestClient, params: dict[str, Any]) -> None:
    response = alice.get("/api/sync/changes", params={"device_id": "laptop", **params})
    assert response.status_code == 422


def test_free_plan_syncs_a_limited_number_of_devices(alice: TestClient) -> None:
    push(alice, "laptop", change("a", hlc(1), status="x"))
    push(alice, "phone", change("a", hlc(2), status="y"))
    third = alice.post("/api/sync/devices", json={"device_id": "tablet"})
    assert third.status_code == 402
    assert "move to Pro, which syncs any number" in third.json()["detail"]
    refused = alice.post(
        "/api/sync/push", json={"device_id": "tablet", "changes": [change("a", hlc(3), status="z")]}
    )
    assert refused.status_code == 409
    assert alice.get("/api/sync/changes", params={"device_id": "tablet"}).status_code == 409
    assert alice.get("/api/sync/changes", params={"device_id": "laptop"}).status_code == 200


def test_sync_is_rate_limited_per_learner(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"sync_rate_limit": 3}))
    alice, bob = TestClient(app), TestClient(app)
    dev_login(alice, "alice")
    dev_login(bob, "bob")
    register(alice, "d")
    register(bob, "d")
    for _ in range(3):
        assert alice.get("/api/sync/changes", params={"device_id": "d"}).status_code == 200
    limited = alice.get("/api/sync/changes", params={"device_id": "d"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert bob.get("/api/sync/changes", params={"device_id": "d"}).status_code == 200
    app.state.engine.dispose()


def test_concurrent_pushes_of_one_learner_lose_nothing(app: FastAPI, alice: TestClient) -> None:
    errors: list[str] = []
    register(alice, "phone")

    def worker(device: str) -> None:
        client = TestClient(app, cookies=alice.cookies, headers=dict(alice.headers))
        for i in range(8):
            response = client.post(
                "/api/sync/push",
                json={"device_id": device, "changes": [change(f"{device}-{i}", hlc(i), status="done")]},
            )
            if response.status_code != 200:
                errors.append(response.text)

    threads = [threading.Thread(target=worker, args=(d,)) for d in ("laptop", "phone")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    page = alice.get("/api/sync/changes", params={"device_id": "laptop", "limit": 1000}).json()
    assert len(page["changes"]) == 16
    assert [c["seq"] for c in page["changes"]] == list(range(1, 17))


def test_a_clock_far_ahead_of_the_server_is_refused(alice: TestClient) -> None:
    now_ms = time.time_ns() // 1_000_000
    honest = change("python.loops", hlc(now_ms), status="doing")
    push(alice, "laptop", honest)
    for ahead in (hlc(now_ms + MAX_CLOCK_SKEW_MS + 60_000), "999999999999999-000000"):
        bad = change("python.loops", ahead, status="forever")
        response = alice.post("/api/sync/push", json={"device_id": "laptop", "changes": [bad]})
        assert response.status_code == 422
        detail = response.json()["detail"]
        assert f"clock {ahead} is" in detail
        assert f"at most {MAX_CLOCK_SKEW_MS // 1000} s ahead is accepted" in detail
    assert pull_all(alice) == {("topic_progress", "python.loops", "status"): "doing"}


def test_a_clock_a_little_ahead_is_accepted(alice: TestClient) -> None:
    slightly = hlc(time.time_ns() // 1_000_000 + MAX_CLOCK_SKEW_MS // 2)
    assert push(alice, "laptop", change("python.loops", slightly, status="done"))["applied"]
