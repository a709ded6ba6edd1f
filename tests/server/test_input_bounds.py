"""Inputs of odd shapes or over-long values are 4xx or harmless, never a 5xx: signed
webhook bodies, login providers' answers and signed session cookies."""

from __future__ import annotations

import json
import time
from base64 import b64encode
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe
from fastapi import FastAPI
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner
from pydantic import SecretStr
from sqlalchemy import select

from server.app import SESSION_COOKIE, create_app
from server.billing.events import MAX_FUTURE_S, TOLERANCE_S
from server.settings import Settings
from server.tables import StripeEvent
from tests.server.auth.test_oauth_flow import Site, browser, provider, session_of, site
from tests.server.support.app import TEST_SECRET
from tests.server.support.oauth_provider import TestUser as ProviderUser

__all__ = ["provider", "site"]  # fixtures used here
WEBHOOK_SECRET = "whsec_tropa_test_0123456789"


@pytest.fixture
def billing_app(settings: Settings) -> Iterator[FastAPI]:
    """Stripe configured but unreachable: every event here must be refused before a call."""
    app = create_app(
        settings.model_copy(
            update={
                "stripe_secret_key": SecretStr("sk_test_tropa_0123456789"),
                "stripe_webhook_secret": SecretStr(WEBHOOK_SECRET),
                "stripe_api_base": "http://127.0.0.1:9",
            }
        )
    )
    yield app
    app.state.engine.dispose()


def deliver(app: FastAPI, body: bytes, timestamp: int | None = None) -> httpx.Response:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{body.decode()}", WEBHOOK_SECRET)
    with TestClient(app, raise_server_exceptions=False) as client:
        return client.post(
            "/api/billing/webhook",
            content=body,
            headers={"stripe-signature": f"t={timestamp},v1={signature}", "content-type": "application/json"},
        )


def event(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "evt_1", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ([1, 2], "an event is a JSON object, not list"),
        ("evt", "an event is a JSON object, not str"),
        (None, "an event is a JSON object, not NoneType"),
        (event(data={"object": "sub_1"}), "data.object must be a JSON object"),
        (event(data={"object": ["sub_1"]}), "data.object must be a JSON object"),
        (event(data="x"), "data.object must be a JSON object"),
        (event(id="e" * 256), "id must be a string of 1 to 255 characters without NUL, got 256 characters"),
        (event(id=7), "id must be a string of 1 to 255 characters without NUL, got int"),
        (event(type="t" * 129), "type must be a string of 1 to 128 characters without NUL"),
        (event(type="customer.subscription.updated", data={"object": {"id": "s" * 300}}), "data.object.id"),
        (event(type="invoice.paid", data={"object": {"subscription": {"id": ["x"]}}}),
         "data.object.subscription.id"),
        (event(type="invoice.paid", data={"object": {"subscription": "s" * 256}}),
         "data.object.subscription"),
        (event(id="evt\x00"), "id must be a string of 1 to 255 characters without NUL"),
    ],
)
def test_signed_bodies_of_odd_shapes_are_400(billing_app: FastAPI, payload: Any, problem: str) -> None:
    response = deliver(billing_app, json.dumps(payload).encode())
    assert response.status_code == 400, response.text
    assert problem in response.json()["detail"]
    with billing_app.state.sessionmaker() as db:
        assert db.scalars(select(StripeEvent)).all() == []


def test_an_ordinary_event_of_no_interest_is_ignored(billing_app: FastAPI) -> None:
    response = deliver(billing_app, json.dumps(event()).encode())
    assert (response.status_code, response.json()) == (200, {"outcome": "ignored"})


@pytest.mark.parametrize("offset", [MAX_FUTURE_S + 60, 3600, -(TOLERANCE_S + 60)])
def test_timestamps_far_from_now_are_refused(billing_app: FastAPI, offset: int) -> None:
    response = deliver(billing_app, json.dumps(event()).encode(), int(time.time()) + offset)
    assert response.status_code == 400
    assert "s from now; allowed: 300 s before to 60 s after" in response.json()["detail"]


def test_non_utf8_body_is_400(billing_app: FastAPI) -> None:
    with TestClient(billing_app, raise_server_exceptions=False) as client:
        response = client.post(
            "/api/billing/webhook", content=b"\xff\xfe", headers={"stripe-signature": "t=1,v1=00"}
        )
    assert response.status_code == 400


@pytest.mark.parametrize(("provider_name", "shown"), [("github", "grace"), ("google", "Learner")])
def test_provider_name_that_is_a_number_and_an_overlong_email(
    site: Site, provider_name: str, shown: str
) -> None:
    """The name is dropped (GitHub's login stands in), the e-mail too long for its column
    is not stored; the login succeeds."""
    site.provider.user = ProviderUser(id=5151, login="grace", name=12345, email="g" * 330 + "@example.org")  # type: ignore[arg-type]
    with browser(site.url) as client:
        response = client.get(f"/auth/{provider_name}/login")
        assert response.status_code == 200, response.text
        info = session_of(client)
        assert info["authenticated"] is True
        client.headers["x-csrf-token"] = str(info["csrf_token"])
        assert client.get("/api/me/profile").json()["display_name"] == shown


def forged(session: dict[str, Any], secret: str = TEST_SECRET) -> str:
    """A cookie as Starlette's SessionMiddleware signs it, holding ``session``."""
    data = b64encode(json.dumps(session).encode())
    return TimestampSigner(secret).sign(data).decode()


@pytest.mark.parametrize("uid", [2**70, -(2**70), 2**63, 0, True, 1.5, "1"])
def test_a_signed_cookie_with_an_impossible_uid_is_not_logged_in(client: TestClient, uid: Any) -> None:
    client.cookies.set(SESSION_COOKIE, forged({"uid": uid, "epoch": "0" * 32}))
    session = client.get("/api/session")
    assert (session.status_code, session.json()["authenticated"]) == (200, False)
    client.cookies.set(SESSION_COOKIE, forged({"uid": uid, "epoch": "0" * 32}))
    assert client.get("/api/me/profile").status_code == 401

