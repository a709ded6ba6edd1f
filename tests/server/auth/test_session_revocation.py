"""A session cookie stops working when its learner logs out or deletes the account, and
a learner's id is never handed to a later learner (so an old cookie cannot address them)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from server.app import SESSION_COOKIE
from server.tables import User
from tests.server.support.app import dev_login


def copy_of(client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s cookie and CSRF header."""
    thief = TestClient(client.app)  # type: ignore[arg-type]
    thief.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    thief.headers["x-csrf-token"] = client.headers["x-csrf-token"]
    return thief


def test_the_id_of_the_newest_deleted_learner_is_not_reused(app: FastAPI) -> None:
    alice = TestClient(app)
    alice_id = dev_login(alice, "alice")["user_id"]
    assert alice.delete("/api/me").status_code == 204
    bob_id = dev_login(TestClient(app), "bob")["user_id"]
    assert bob_id != alice_id


def test_a_deleted_learners_saved_cookie_cannot_reach_the_next_learner(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    saved = copy_of(alice)
    assert alice.delete("/api/me").status_code == 204
    bob = TestClient(app)
    dev_login(bob, "bob")
    bob.patch("/api/me/profile", json={"display_name": "Bob B"})

    assert saved.get("/api/me/profile").status_code == 401
    assert saved.patch("/api/me/profile", json={"display_name": "pwned"}).status_code == 401
    assert bob.get("/api/me/profile").json()["display_name"] == "Bob B"


def test_after_deletion_a_copied_cookie_is_not_authenticated(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    saved = copy_of(alice)
    assert alice.delete("/api/me").status_code == 204
    info = saved.get("/api/session").json()
    assert (info["authenticated"], info["user_id"]) == (False, None)
    assert saved.get("/api/me/profile").status_code == 401


def test_logout_revokes_a_copied_cookie(app: FastAPI) -> None:
    alice = TestClient(app)
    dev_login(alice, "alice")
    saved = copy_of(alice)
    assert saved.get("/api/me/profile").status_code == 200
    assert alice.post("/auth/logout").status_code == 204

    assert saved.get("/api/session").json()["authenticated"] is False
    assert saved.get("/api/me/profile").status_code == 401
    assert saved.patch("/api/me/profile", json={"display_name": "pwned"}).status_code == 401
    dev_login(alice, "alice")  # logging in again works and gives the same account
    assert alice.get("/api/me/profile").json()["display_name"] == "alice"


def test_a_cookie_from_another_session_epoch_is_refused(app: FastAPI) -> None:
    """What a cookie for a reused id would look like: right id, epoch of someone else."""
    alice = TestClient(app)
    alice_id = dev_login(alice, "alice")["user_id"]
    with app.state.sessionmaker() as db:
        db.execute(update(User).where(User.id == alice_id).values(session_epoch="0" * 32))
        db.commit()
    assert alice.get("/api/session").json()["authenticated"] is False
    assert alice.get("/api/me/profile").status_code == 401


def test_logout_without_a_session_is_fine(client: TestClient) -> None:
    token = client.get("/api/session").json()["csrf_token"]
    assert client.post("/auth/logout", headers={"x-csrf-token": token}).status_code == 204
