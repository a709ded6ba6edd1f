from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from server.concurrency import DatabaseConcurrencyMiddleware


class SlowApp:
    """Records how many requests are inside it at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = {"db": 0, "static": 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = "static" if scope["path"].startswith("/static") else "db"
        self.inside += 1
        self.most[kind] = max(self.most[kind], self.inside)
        await asyncio.sleep(0.02)
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_database_requests_wait_in_order_and_static_ones_do_not() -> None:
    inner = SlowApp()
    app = DatabaseConcurrencyMiddleware(inner, limit=2)

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            paths = [f"/api/sync/changes?i={i}" for i in range(8)]
            await asyncio.gather(*(client.get(p) for p in paths))
            assert inner.most["db"] == 2
            await asyncio.gather(*(client.get(f"/static/{i}.js") for i in range(8)))
            assert inner.most["static"] == 8

    asyncio.run(scenario())
