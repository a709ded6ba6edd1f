"""Stripe test peers: a real localstripe process on loopback, and a thin stand-in for
the two Stripe APIs localstripe 1.15.10 lacks.

localstripe answers 404 for Checkout Sessions (/v1/checkout/sessions) and the Billing
Portal (/v1/billing_portal/sessions). ``StripeFront`` is what the server talks to: it
answers those two paths itself (recording what it was asked, returning a session with a
URL, as Stripe does) and forwards every other request, unchanged, to localstripe.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.server.support.live import free_port

# Run localstripe bound to loopback only, without its /tmp pickle (shared by every
# process on the machine) so parallel test runs never read each other's objects.
RUNNER = """
import sys
from aiohttp import web
from localstripe import resources
from localstripe.server import app
resources.Store.dump_to_disk = lambda self: None
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


@contextmanager
def localstripe() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/v1/customers", auth=("sk_test_x", ""), timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("localstripe did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class StripeFront:
    """Checkout/Portal stand-in in front of localstripe; see the module docstring."""

    localstripe_url: str
    checkout_requests: list[dict[str, str]] = field(default_factory=list)
    portal_requests: list[dict[str, str]] = field(default_factory=list)

    def app(self) -> Starlette:
        async def checkout(request: Request) -> Response:
            params = dict(parse_qsl((await request.body()).decode()))
            self.checkout_requests.append(params)
            session_id = f"cs_test_{secrets.token_hex(8)}"
            return JSONResponse(
                {
                    "id": session_id,
                    "object": "checkout.session",
                    "mode": params.get("mode"),
                    "customer": params.get("customer"),
                    "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                }
            )

        async def portal(request: Request) -> Response:
            params = dict(parse_qsl((await request.body()).decode()))
            self.portal_requests.append(params)
            session_id = f"bps_{secrets.token_hex(8)}"
            return JSONResponse(
                {
                    "id": session_id,
                    "object": "billing_portal.session",
                    "customer": params.get("customer"),
                    "url": f"https://billing.stripe.test/p/session/{session_id}",
                }
            )

        async def forward(request: Request) -> Response:
            async with httpx.AsyncClient(base_url=self.localstripe_url, timeout=10) as client:
                upstream = await client.request(
                    request.method,
                    request.url.path,
                    params=request.query_params.multi_items(),
                    content=await request.body(),
                    headers={
                        k: v
                        for k, v in request.headers.items()
                        if k.lower() in ("authorization", "content-type", "idempotency-key")
                    },
                )
            return Response(
                upstream.content,
                status_code=upstream.status_code,
                media_type=upstream.headers.get("content-type"),
            )

        return Starlette(
            routes=[
                Route("/v1/checkout/sessions", checkout, methods=["POST"]),
                Route("/v1/billing_portal/sessions", portal, methods=["POST"]),
                Route("/{path:path}", forward, methods=["GET", "POST", "DELETE"]),
            ]
        )


def create_plans(stripe_client: Any, monthly: str, yearly: str) -> None:
    """The two Pro plans, as localstripe knows them (it has plans, not prices)."""
    product = stripe_client.v1.products.create({"name": "Tropa Pro", "type": "service"})
    for plan_id, interval in ((monthly, "month"), (yearly, "year")):
        stripe_client.v1.plans.create(
            {
                "id": plan_id,
                "product": product["id"],
                "amount": 500 if interval == "month" else 5000,
                "currency": "eur",
                "interval": interval,
            }
        )


def subscribe(stripe_client: Any, customer_id: str, plan_id: str) -> str:
    """What a completed Checkout does: a card on the customer, then a subscription."""
    method = stripe_client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        }
    )
    stripe_client.v1.payment_methods.attach(method["id"], {"customer": customer_id})
    stripe_client.v1.customers.update(
        customer_id, {"invoice_settings": {"default_payment_method": method["id"]}}
    )
    subscription = stripe_client.v1.subscriptions.create(
        {"customer": customer_id, "items": [{"plan": plan_id}]}
    )
    return str(subscription["id"])
