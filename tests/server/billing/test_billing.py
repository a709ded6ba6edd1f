"""Subscriptions against a real localstripe process, plus signed webhook payloads.

Stand-in, and why: localstripe 1.15.10 has no Checkout Sessions and no Billing Portal
(both 404). The server's calls to them are one line each (server/billing/gateway.py);
``StripeFront`` (tests/server/support/stripe_peer.py) answers those two paths and
forwards everything else to localstripe. What a learner does on Stripe's Checkout page
(card + subscription) is done by ``subscribe`` directly in localstripe, which then sends
its own signed webhooks to our server. Customers, plans, subscriptions, cancellation,
webhook delivery and signatures are all real localstripe / real ``stripe`` library.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import stripe
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.app import create_app
from server.tables import BillingCustomer, StripeEvent, Subscription
from tests.server.support.app import dev_login, make_settings
from tests.server.support.live import free_port, serve
from tests.server.support.stripe_peer import (
    StripeFront,
    create_plans,
    localstripe,
    subscribe,
)

SECRET_KEY = "sk_test_tropa_0123456789"
WEBHOOK_SECRET = "whsec_tropa_test_0123456789"
MONTHLY, YEARLY = "tropa_pro_monthly", "tropa_pro_yearly"


@contextmanager
def stripe_side(url: str) -> Iterator[stripe.StripeClient]:
    """A Stripe client straight to localstripe, its connections closed afterwards."""
    with requests.Session() as session:
        yield stripe.StripeClient(
            SECRET_KEY, base_addresses={"api": url}, http_client=stripe.RequestsClient(session=session)
        )


@pytest.fixture(scope="module")
def stripe_peer() -> Iterator[tuple[str, StripeFront]]:
    with localstripe() as url, stripe_side(url) as side:
        create_plans(side, MONTHLY, YEARLY)
        front = StripeFront(url)
        with serve(front.app()) as front_url:
            yield front_url, front


@dataclass
class Billing:
    url: str  # our live server
    app: FastAPI
    front: StripeFront
    stripe: stripe.StripeClient  # straight to localstripe: the "Stripe side"
    localstripe_url: str
    clients: list[httpx.Client] = field(default_factory=list)  # closed by the fixture

    def anonymous(self) -> httpx.Client:
        client = httpx.Client(base_url=self.url, timeout=10)
        self.clients.append(client)
        return client

    def client(self, name: str) -> httpx.Client:
        client = self.anonymous()
        token = client.get("/api/session").json()["csrf_token"]
        info = client.post("/auth/dev/login", json={"name": name}, headers={"x-csrf-token": token})
        client.headers["x-csrf-token"] = info.json()["csrf_token"]
        return client

    def route_webhooks_here(self) -> None:
        response = httpx.post(
            f"{self.localstripe_url}/_config/webhooks/tropa",
            data={"url": f"{self.url}/api/billing/webhook", "secret": WEBHOOK_SECRET},
        )
        response.raise_for_status()

    def customer_of(self, user_id: int) -> str:
        with self.app.state.sessionmaker() as db:
            return str(db.get(BillingCustomer, user_id).customer_id)

    def count(self, table: Any) -> int:
        with self.app.state.sessionmaker() as db:
            return int(db.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def billing(stripe_peer: tuple[str, StripeFront], database_url: str, dist_dir: Path) -> Iterator[Billing]:
    front_url, front = stripe_peer
    front.checkout_requests.clear()
    front.portal_requests.clear()
    port = free_port()
    settings = make_settings(
        database_url,
        dist_dir,
        public_url=f"http://127.0.0.1:{port}",
        stripe_secret_key=SECRET_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_price_monthly=MONTHLY,
        stripe_price_yearly=YEARLY,
        stripe_api_base=front_url,
    )
    app = create_app(settings)
    with serve(app, port) as url, stripe_side(front.localstripe_url) as side:
        billing = Billing(url, app, front, side, front.localstripe_url)
        yield billing
        for client in billing.clients:
            client.close()
        # stop localstripe delivering to a server that is going away
        httpx.post(
            f"{front.localstripe_url}/_config/webhooks/tropa",
            data={"url": "http://127.0.0.1:9/gone", "secret": WEBHOOK_SECRET},
        )
    app.state.billing.close()
    app.state.engine.dispose()


def signed(payload: dict[str, Any], secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    timestamp = int(time.time())
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode()}", secret)
    return body, f"t={timestamp},v1={signature}"


def event(event_id: str, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }


def post_event(client: httpx.Client | TestClient, payload: dict[str, Any]) -> httpx.Response:
    body, signature = signed(payload)
    return client.post(
        "/api/billing/webhook",
        content=body,
        headers={"stripe-signature": signature, "content-type": "application/json"},
    )


def wait_for(check: Callable[[], bool], timeout_s: float = 15) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.2)


def plan_of(client: httpx.Client) -> str:
    return str(client.get("/api/me/entitlements").json()["plan"])


def test_checkout_makes_a_customer_and_a_subscription_session(billing: Billing) -> None:
    ada = billing.client("ada")
    response = ada.post("/api/billing/checkout", json={"plan": "yearly"})
    assert response.status_code == 200, response.text
    assert response.json()["url"].startswith("https://checkout.stripe.test/")
    sent = billing.front.checkout_requests[-1]
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == YEARLY
    user_id = ada.get("/api/session").json()["user_id"]
    assert sent["client_reference_id"] == str(user_id)
    customer = billing.stripe.v1.customers.retrieve(sent["customer"])  # real, in localstripe
    assert customer["metadata"]["tropa_user_id"] == str(user_id)
    # a second checkout reuses the customer
    ada.post("/api/billing/checkout", json={"plan": "monthly"})
    assert billing.front.checkout_requests[-1]["customer"] == sent["customer"]


@pytest.mark.parametrize("body", [{"plan": "weekly"}, {}, {"plan": "monthly", "price": "x"}])
def test_checkout_validates_the_plan(billing: Billing, body: dict[str, Any]) -> None:
    response = billing.client("ada").post("/api/billing/checkout", json=body)
    assert response.status_code == 422
    assert "body" in response.json()["detail"]


def test_subscription_lifecycle_through_localstripe_webhooks(billing: Billing) -> None:
    billing.route_webhooks_here()
    ada, bob = billing.client("ada"), billing.client("bob")
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    assert plan_of(ada) == "free"
    user_id = ada.get("/api/session").json()["user_id"]

    subscription_id = subscribe(billing.stripe, billing.customer_of(user_id), MONTHLY)
    wait_for(lambda: plan_of(ada) == "pro")
    entitlements = ada.get("/api/me/entitlements").json()
    assert entitlements == {"plan": "pro", "premium_roadmaps": True, "max_sync_devices": None}
    assert plan_of(bob) == "free"  # another learner is untouched
    assert ada.post("/api/billing/checkout", json={"plan": "yearly"}).status_code == 409
    with billing.app.state.sessionmaker() as db:
        assert db.get(Subscription, subscription_id).plan == "monthly"

    billing.stripe.v1.subscriptions.cancel(subscription_id)
    wait_for(lambda: plan_of(ada) == "free")
    assert ada.get("/api/me/entitlements").json()["max_sync_devices"] == 2


def test_bad_signatures_are_refused(billing: Billing) -> None:
    client = billing.anonymous()
    payload = event("evt_bad_1", "customer.subscription.created", {"id": "sub_x"})
    body, good = signed(payload)
    _, wrong_secret = signed(payload, "whsec_someone_else")
    for headers in ({}, {"stripe-signature": wrong_secret}, {"stripe-signature": "t=1,v1=00"}):
        response = client.post("/api/billing/webhook", content=body, headers=headers)
        assert response.status_code == 400
        assert "Webhook refused" in response.json()["detail"]
    tampered = body.replace(b"sub_x", b"sub_y")
    response = client.post("/api/billing/webhook", content=tampered, headers={"stripe-signature": good})
    assert response.status_code == 400
    assert billing.count(StripeEvent) == 0


def test_replayed_event_is_applied_once(billing: Billing) -> None:
    ada = billing.client("ada")
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    user_id = ada.get("/api/session").json()["user_id"]
    subscription_id = subscribe(billing.stripe, billing.customer_of(user_id), MONTHLY)

    created = event("evt_replay_1", "customer.subscription.created", {"id": subscription_id})
    first = post_event(ada, created)
    assert first.json() == {"outcome": "applied"}
    again = post_event(ada, created)
    assert again.status_code == 200
    assert again.json() == {"outcome": "duplicate"}
    assert billing.count(StripeEvent) == 1
    assert plan_of(ada) == "pro"


def test_events_out_of_order_keep_the_true_state(billing: Billing) -> None:
    ada = billing.client("ada")
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    user_id = ada.get("/api/session").json()["user_id"]
    subscription_id = subscribe(billing.stripe, billing.customer_of(user_id), MONTHLY)
    billing.stripe.v1.subscriptions.cancel(subscription_id)

    deleted = event("evt_order_2", "customer.subscription.deleted", {"id": subscription_id})
    created = event("evt_order_1", "customer.subscription.created", {"id": subscription_id})
    assert post_event(ada, deleted).json() == {"outcome": "applied"}
    assert post_event(ada, created).json() == {"outcome": "applied"}  # arrives late
    assert plan_of(ada) == "free"
    with billing.app.state.sessionmaker() as db:
        assert db.get(Subscription, subscription_id).status == "canceled"


def test_events_for_unknown_objects_are_acknowledged_and_ignored(billing: Billing) -> None:
    client = billing.anonymous()
    assert post_event(client, event("evt_u1", "customer.created", {"id": "cus_x"})).json() == {
        "outcome": "ignored"
    }
    unknown = event("evt_u2", "customer.subscription.updated", {"id": "sub_missing"})
    assert post_event(client, unknown).json() == {"outcome": "applied"}
    assert billing.count(Subscription) == 0
    malformed = post_event(client, {"id": "evt_u3", "type": "x"})
    assert malformed.status_code == 400


def test_portal_needs_a_customer_and_returns_the_stripe_url(billing: Billing) -> None:
    ada = billing.client("ada")
    response = ada.post("/api/billing/portal")
    assert response.status_code == 409
    assert "subscribe first" in response.json()["detail"]
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    response = ada.post("/api/billing/portal")
    assert response.status_code == 200
    assert response.json()["url"].startswith("https://billing.stripe.test/")
    user_id = ada.get("/api/session").json()["user_id"]
    assert billing.front.portal_requests[-1]["customer"] == billing.customer_of(user_id)


def test_pro_unlocks_unlimited_sync_devices(billing: Billing) -> None:
    ada = billing.client("ada")
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    user_id = ada.get("/api/session").json()["user_id"]
    for device in ("d1", "d2"):
        assert ada.post("/api/sync/devices", json={"device_id": device}).status_code == 200
    assert ada.post("/api/sync/devices", json={"device_id": "d3"}).status_code == 402
    subscription_id = subscribe(billing.stripe, billing.customer_of(user_id), MONTHLY)
    post_event(ada, event("evt_pro_1", "customer.subscription.created", {"id": subscription_id}))
    for device in ("d3", "d4", "d5"):
        assert ada.post("/api/sync/devices", json={"device_id": device}).status_code == 200
        assert ada.get("/api/sync/changes", params={"device_id": device}).status_code == 200
    assert ada.get("/api/sync/devices").json()["max_devices"] is None


def test_account_deletion_cancels_at_stripe(billing: Billing) -> None:
    ada = billing.client("ada")
    ada.post("/api/billing/checkout", json={"plan": "monthly"}).raise_for_status()
    user_id = ada.get("/api/session").json()["user_id"]
    customer_id = billing.customer_of(user_id)
    subscription_id = subscribe(billing.stripe, customer_id, MONTHLY)
    post_event(ada, event("evt_del_1", "customer.subscription.created", {"id": subscription_id}))

    assert ada.delete("/api/me").status_code == 204
    assert billing.stripe.v1.subscriptions.retrieve(subscription_id)["status"] == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        billing.stripe.v1.customers.retrieve(customer_id)
    assert billing.count(Subscription) == 0
    assert billing.count(BillingCustomer) == 0


def test_billing_routes_say_when_billing_is_not_configured(client: TestClient) -> None:
    dev_login(client, "ada")
    response = client.post("/api/billing/checkout", json={"plan": "monthly"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Billing is not configured on this server"
    assert client.get("/api/me/entitlements").json()["plan"] == "free"
