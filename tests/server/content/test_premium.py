"""The premium trails' text behind the one entitlement check, end to end against
localstripe (the stand-in for Checkout is that of tests/server/billing/test_billing.py:
``subscribe`` does in localstripe what a paid Checkout does, and localstripe's own signed
webhooks tell our server): free → 403 with the reason, Pro → the text, cancelled → 403
again. Both databases; the premium file is a real one in the compiler's format.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from contracts import library as format_
from server.content.shelf import PremiumShelf
from server.tables import Subscription
from tests.server.billing.test_billing import MONTHLY, Billing, billing, plan_of, stripe_peer, wait_for
from tests.server.support.app import dev_login
from tests.server.support.stripe_peer import subscribe

__all__ = ["billing", "stripe_peer"]

TEXT = "<p>Blobs, trees and commits: the secret-sauce-17 of Git.</p>"


def premium_file(path: Path, text: str = TEXT) -> Path:
    rows = [format_.premium_topic("git-internals.objects", "en", "git-internals", text,
                                  [{"type": "book", "title": "Pro Git", "url": "https://git-scm.com/book"}]),
            format_.premium_topic("git-internals.refs", "en", "git-internals", "<p>Refs.</p>", [])]
    path.write_text(json.dumps({"format": format_.PREMIUM_FORMAT, "topics": rows}), encoding="utf-8")
    return path


def trail(client: httpx.Client | TestClient, roadmap: str = "git-internals") -> httpx.Response:
    return client.get(f"/api/content/premium/{roadmap}")


def test_free_is_refused_pro_reads_cancelled_is_refused_again(billing: Billing, tmp_path: Path) -> None:
    billing.app.state.premium = PremiumShelf(premium_file(tmp_path / "premium.json"))
    billing.route_webhooks_here()
    ada, bob = billing.client("ada"), billing.client("bob")
    refused = trail(ada)
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Premium trails are part of Pro")
    assert TEXT not in refused.text

    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    user_id = ada.get("/api/session").json()["user_id"]
    subscription_id = subscribe(billing.stripe, billing.customer_of(user_id), MONTHLY)
    wait_for(lambda: plan_of(ada) == "pro")
    answer = trail(ada)
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert body["roadmap"] == "git-internals"
    topics = {t["id"]: t for t in body["topics"]}
    assert topics["git-internals.objects"]["html"] == TEXT
    assert topics["git-internals.objects"]["resources"][0]["title"] == "Pro Git"
    assert trail(bob).status_code == 403  # another learner's plan is their own
    missing = trail(ada, "python")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No premium trail 'python' on this server"

    billing.stripe.v1.subscriptions.cancel(subscription_id)
    wait_for(lambda: plan_of(ada) == "free")
    assert trail(ada).status_code == 403


def test_signed_out_is_401_and_odd_ids_are_422(client: TestClient) -> None:
    assert trail(client).status_code == 401
    dev_login(client, "ada")
    for odd in ("Git", "a" * 65, "-x", "x%00y", "..%2f..%2fetc"):
        response = trail(client, odd)
        assert response.status_code in (404, 422), (odd, response.status_code)
        assert isinstance(response.json()["detail"], str)


def test_the_shelf_reads_the_file_again_when_a_build_replaced_it(tmp_path: Path) -> None:
    path = tmp_path / "premium.json"
    shelf = PremiumShelf(path)
    assert shelf.trail("git-internals") == []  # no file: no premium text
    premium_file(path)
    assert shelf.trail("git-internals")[0]["html"] == TEXT
    premium_file(path, "<p>Second edition, longer than the first one.</p>")
    os.utime(path, ns=(1, 1))  # a different stamp even within one clock tick
    assert shelf.trail("git-internals")[0]["html"].startswith("<p>Second edition")


@pytest.mark.parametrize("content", ["not json", '{"format": 9, "topics": []}',
                                     '{"format": 1, "topics": [{}]}'])
def test_a_broken_premium_file_is_a_503_that_names_the_server_not_the_learner(
        client: TestClient, tmp_path: Path, content: str) -> None:
    path = tmp_path / "premium.json"
    path.write_text(content, encoding="utf-8")
    app = client.app
    app.state.premium = PremiumShelf(path)  # type: ignore[attr-defined]
    user_id = dev_login(client, "ada")["user_id"]
    assert trail(client).status_code == 403  # free: the plan is checked before the file is read
    with app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        # Pro as a webhook would have stored it (the Stripe side is exercised above).
        db.add(Subscription(id="sub_local", user_id=user_id, status="active", plan="monthly"))
        db.commit()
    response = trail(client)
    assert response.status_code == 503
    assert response.json()["detail"] == "The premium text on this server cannot be read now"
