"""Sync devices: registered only by an explicit POST, listed, removed; the free plan's
limit holds under parallel registrations (real concurrent requests, both databases)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.app import SESSION_COOKIE
from tests.server.support.app import dev_login
from tests.server.support.live import serve

DEVICES = "/api/sync/devices"
EDIT = {"id": "change-dev-0001", "kind": "note", "entity_id": "n1", "hlc": "001700000000000-000000",
        "fields": {"text": "hi"}}


def listed(client: TestClient) -> list[str]:
    response = client.get(DEVICES)
    assert response.status_code == 200, response.text
    return [d["device_id"] for d in response.json()["devices"]]


def test_pulling_with_an_unregistered_device_registers_nothing(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    for device in ("d1", "d2", "d3"):
        response = alice.get("/api/sync/changes", params={"device_id": device})
        assert response.status_code == 409
        assert response.json()["detail"] == (
            f"Device '{device}' is not registered for sync: "
            'register it with POST /api/sync/devices {"device_id": ...} first'
        )
    assert listed(alice) == []
    assert alice.post(DEVICES, json={"device_id": "laptop"}).status_code == 200  # slots still free


def test_pushing_with_an_unregistered_device_is_refused(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    response = alice.post("/api/sync/push", json={"device_id": "laptop", "changes": [EDIT]})
    assert response.status_code == 409
    assert "POST /api/sync/devices" in response.json()["detail"]


def test_register_list_and_remove(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    for device in ("laptop", "phone", "laptop"):
        answer = alice.post(DEVICES, json={"device_id": device})
        assert answer.status_code == 200
        assert answer.json()["device_id"] == device
    assert sorted(listed(alice)) == ["laptop", "phone"]
    assert alice.get(DEVICES).json()["max_devices"] == 2

    refused = alice.post(DEVICES, json={"device_id": "tablet"})
    assert refused.status_code == 402
    assert "'tablet' would be another" in refused.json()["detail"]

    assert alice.post("/api/sync/push", json={"device_id": "phone", "changes": [EDIT]}).status_code == 200
    assert alice.delete(f"{DEVICES}/phone").status_code == 204
    assert alice.get("/api/sync/changes", params={"device_id": "phone"}).status_code == 409
    assert alice.post(DEVICES, json={"device_id": "tablet"}).status_code == 200
    assert sorted(listed(alice)) == ["laptop", "tablet"]
    pulled = alice.get("/api/sync/changes", params={"device_id": "tablet"}).json()["changes"]
    assert [c["value"] for c in pulled] == ["hi"]  # what the removed phone pushed stays

    missing = alice.delete(f"{DEVICES}/phone")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No registered device 'phone'"


def test_devices_are_each_learners_own(app: FastAPI) -> None:
    alice, bob = TestClient(app), TestClient(app)
    dev_login(alice, "alice")
    dev_login(bob, "bob")
    alice.post(DEVICES, json={"device_id": "laptop"})
    assert listed(bob) == []
    assert bob.delete(f"{DEVICES}/laptop").status_code == 404
    assert listed(alice) == ["laptop"]


def test_device_routes_need_a_login_and_a_valid_id(app: FastAPI) -> None:
    anonymous = TestClient(app)
    token = anonymous.get("/api/session").json()["csrf_token"]
    anonymous.headers["x-csrf-token"] = token
    assert anonymous.get(DEVICES).status_code == 401
    assert anonymous.post(DEVICES, json={"device_id": "laptop"}).status_code == 401
    alice = TestClient(app)
    dev_login(alice, "alice")
    assert alice.post(DEVICES, json={"device_id": "bad id!"}).status_code == 422
    assert alice.post(DEVICES, json={"device_id": "x" * 65}).status_code == 422


def test_parallel_registrations_never_pass_the_free_limit(app: FastAPI) -> None:
    with serve(app) as url:
        with httpx.Client(base_url=url, timeout=30) as alice:
            token = alice.get("/api/session").json()["csrf_token"]
            login = alice.post("/auth/dev/login", json={"name": "alice"}, headers={"x-csrf-token": token})
            headers = {"x-csrf-token": login.json()["csrf_token"],
                       "cookie": f"{SESSION_COOKIE}={alice.cookies[SESSION_COOKIE]}"}
        start = threading.Barrier(10)

        def register(i: int) -> int:
            with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
                start.wait()
                return client.post(DEVICES, json={"device_id": f"device-{i}"}).status_code

        with ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(register, range(10)))
        with httpx.Client(base_url=url, timeout=30, headers=headers) as client:
            devices = client.get(DEVICES).json()["devices"]
    assert sorted(statuses) == [200, 200] + [402] * 8
    assert len(devices) == 2
