"""The server accepts the study goal as sync kind ``learner_meta`` (SQLite and
PostgreSQL): pushed from two devices it merges by the contract's rule, whatever the
arrival order; an unknown kind is still refused naming the kinds."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.sync import KINDS
from tests.server.support.app import dev_login
from tests.server.sync.test_routes import change, hlc, pull_all, push, register


def test_the_goal_merges_by_the_rule_in_either_arrival_order(app: FastAPI) -> None:
    laptop = change("goal", hlc(2000), kind="learner_meta", value="learn Git")
    phone = change("goal", hlc(1500), kind="learner_meta", value="learn SQL")
    finals = []
    for order, name in (((laptop, phone), "u1"), ((phone, laptop), "u2")):
        client = TestClient(app)
        dev_login(client, name)
        for device, edit in zip(("laptop", "phone"), order, strict=True):
            push(client, device, {**edit, "id": f"{edit['id']}-{name}"})
        finals.append(pull_all(client, "laptop"))
    assert finals[0] == finals[1] == {("learner_meta", "goal", "value"): "learn Git"}


def test_an_unknown_kind_is_still_refused(app: FastAPI) -> None:
    client = TestClient(app)
    dev_login(client, "ada")
    register(client, "laptop")
    response = client.post("/api/sync/push", json={
        "device_id": "laptop", "changes": [change("goal", hlc(1000), kind="learner_secret", value="x")]})
    assert response.status_code == 422
    assert "learner_meta" in response.text and "learner_meta" in KINDS
