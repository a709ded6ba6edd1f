"""Profiles: created at first login, read and changed only by their owner, deleted
with the account."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.tables import AppliedChange, Identity, Profile, SyncDevice, SyncField, User
from tests.server.support.app import dev_login


def test_profile_created_at_first_login(client: TestClient) -> None:
    dev_login(client, "alice")
    profile = client.get("/api/me/profile").json()
    assert profile["display_name"] == "alice"
    assert profile["language"] == "en"
    assert profile["preferences"] == {}


def test_first_login_takes_russian_from_the_browser(app: FastAPI) -> None:
    client = TestClient(app, headers={"accept-language": "ru-RU,ru;q=0.9"})
    dev_login(client, "boris")
    assert client.get("/api/me/profile").json()["language"] == "ru"


def test_update_changes_only_the_fields_sent(client: TestClient) -> None:
    dev_login(client, "alice")
    response = client.patch("/api/me/profile", json={"language": "ru"})
    assert response.status_code == 200
    assert response.json()["language"] == "ru"
    response = client.patch(
        "/api/me/profile", json={"display_name": "  Alice L. ", "preferences": {"theme": "dark"}}
    )
    body = response.json()
    assert (body["display_name"], body["language"]) == ("Alice L.", "ru")
    assert body["preferences"] == {"theme": "dark"}
    assert client.get("/api/me/profile").json() == body


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"language": "de"}, "body.language"),
        ({"display_name": ""}, "body.display_name"),
        ({"display_name": "x" * 81}, "body.display_name"),
        ({"display_name": "bad\u0000name"}, "body.display_name"),
        ({"preferences": {"k": "v" * 9000}}, "body.preferences"),
        ({"preferences": {"n": float("inf")}}, "body.preferences"),
        ({"user_id": 2}, "body.user_id"),
        ([1, 2], "body"),
    ],
)
def test_invalid_updates_are_422_with_the_field_named(client: TestClient, body: object, where: str) -> None:
    dev_login(client, "alice")
    before = client.get("/api/me/profile").json()
    if body == {"preferences": {"n": float("inf")}}:
        response = client.patch(
            "/api/me/profile",
            content=b'{"preferences": {"n": 1e999}}',
            headers={"content-type": "application/json"},
        )
    else:
        response = client.patch("/api/me/profile", json=body)
    assert response.status_code == 422
    assert where in response.json()["detail"]
    assert client.get("/api/me/profile").json() == before


def test_anonymous_cannot_read_or_change_profiles(client: TestClient) -> None:
    assert client.get("/api/me/profile").status_code == 401
    token = client.get("/api/session").json()["csrf_token"]
    response = client.patch("/api/me/profile", json={"language": "ru"}, headers={"x-csrf-token": token})
    assert response.status_code == 401


def test_learner_changes_only_their_own_profile(app: FastAPI) -> None:
    alice, bob = TestClient(app), TestClient(app)
    dev_login(alice, "alice")
    dev_login(bob, "bob")
    bob.patch("/api/me/profile", json={"display_name": "Bob B", "language": "ru"})
    assert alice.get("/api/me/profile").json()["display_name"] == "alice"
    assert alice.get("/api/me/profile").json()["language"] == "en"


def test_stolen_csrf_token_does_not_work_with_another_session(app: FastAPI) -> None:
    alice, bob = TestClient(app), TestClient(app)
    alice_token = dev_login(alice, "alice")["csrf_token"]
    dev_login(bob, "bob")
    response = bob.patch(
        "/api/me/profile", json={"display_name": "pwned"}, headers={"x-csrf-token": alice_token}
    )
    assert response.status_code == 403


def test_account_deletion_removes_all_their_data(app: FastAPI) -> None:
    alice, bob = TestClient(app), TestClient(app)
    alice_id = dev_login(alice, "alice")["user_id"]
    bob_id = dev_login(bob, "bob")["user_id"]
    change = {
        "id": "change-0001",
        "kind": "note",
        "entity_id": "python.variables",
        "hlc": "001700000000000-000000",
        "fields": {"text": "mine"},
    }
    for client in (alice, bob):
        assert client.post("/api/sync/devices", json={"device_id": "laptop"}).status_code == 200
        pushed = client.post("/api/sync/push", json={"device_id": "laptop", "changes": [change]})
        assert pushed.status_code == 200

    assert alice.delete("/api/me").status_code == 204
    assert alice.get("/api/session").json()["authenticated"] is False
    assert alice.get("/api/me/profile").status_code == 401

    with app.state.sessionmaker() as db:
        for table in (Identity, Profile, SyncField, SyncDevice, AppliedChange):
            owned = select(func.count()).select_from(table).where(table.user_id == alice_id)
            assert db.scalar(owned) == 0, table.__tablename__
        assert db.get(User, alice_id) is None
        assert db.get(User, bob_id) is not None
    assert bob.get("/api/sync/changes", params={"device_id": "laptop"}).json()["changes"]

    again = dev_login(alice, "alice")  # the same login later is a new, empty account
    assert again["user_id"] != alice_id
    assert alice.get("/api/sync/devices").json()["devices"] == []
    assert alice.post("/api/sync/devices", json={"device_id": "laptop"}).status_code == 200
    assert alice.get("/api/sync/changes", params={"device_id": "laptop"}).json()["changes"] == []
