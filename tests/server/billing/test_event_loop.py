"""While Stripe does not answer a webhook's call, the server keeps answering everyone
else: the Stripe call runs in a worker thread, not on the event loop.

"Stripe" here is a real TCP listener on loopback that accepts connections, reads what
arrives and never answers, until the test lets it go.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from server.app import create_app
from tests.server.billing.test_billing import WEBHOOK_SECRET, event, signed
from tests.server.support.app import make_settings
from tests.server.support.live import serve

WAIT_S = 20  # only how long a broken server may take to fail the test


class SilentStripe:
    """Accepts connections and never answers; ``called`` is set at the first request."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.called = threading.Event()
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed by release()
                return
            self.connections.append(connection)
            if connection.recv(65536):
                self.called.set()

    def release(self) -> None:
        """Stop listening and drop every connection: the server's call fails at once."""
        if self.listener.fileno() < 0:
            return
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        self.listener.close()
        self.thread.join(timeout=WAIT_S)
        for connection in self.connections:
            connection.shutdown(socket.SHUT_RDWR)
            connection.close()


@pytest.fixture
def silent_stripe() -> Iterator[SilentStripe]:
    stripe = SilentStripe()
    yield stripe
    stripe.release()


def test_a_silent_stripe_does_not_stall_other_requests(
    silent_stripe: SilentStripe, database_url: str, dist_dir: Path
) -> None:
    settings = make_settings(
        database_url, dist_dir, stripe_secret_key="sk_test_silent", stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=silent_stripe.url,
    )
    app = create_app(settings)
    body, signature = signed(event("evt_silent_1", "customer.subscription.updated", {"id": "sub_silent"}))
    with serve(app) as url, ThreadPoolExecutor(1) as pool:
        webhook = pool.submit(
            httpx.post, f"{url}/api/billing/webhook", content=body, timeout=120,
            headers={"stripe-signature": signature, "content-type": "application/json"},
        )
        assert silent_stripe.called.wait(WAIT_S), "the webhook never called Stripe"
        with httpx.Client(base_url=url, timeout=WAIT_S) as client:
            assert client.get("/index.html").status_code == 200
            assert client.get("/healthz").status_code == 200
            assert client.get("/api/session").status_code == 200
        silent_stripe.release()
        answer = webhook.result(timeout=WAIT_S)
    app.state.billing.close()
    app.state.engine.dispose()
    assert answer.status_code == 502
    assert answer.json()["detail"].startswith("Could not read the subscription from Stripe")
