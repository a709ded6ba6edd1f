"""At most as many database-using requests in flight per worker as it has connections.

Route handlers are sync and run in a pool of 40 threads, while a worker has only
``db_pool_size + db_max_overflow`` connections. Without a bound, excess requests wait
inside SQLAlchemy's pool, which is not first-come-first-served, and under load an
unlucky request waits past the pool timeout. Here they wait, in arrival order, on an
asyncio semaphore before entering the app; static files are not held back.

A request takes its slot only once its whole body has arrived: a client that declares
a body and then sends it slowly (or never) would otherwise hold a slot for as long as
it likes, and a handful of such clients would stop every API route. A body that has not
arrived within ``body_timeout_s`` is answered 408. The body is held in memory meanwhile;
the size cap outside this middleware bounds it.
"""

from __future__ import annotations

import asyncio
import json
import weakref

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DATABASE_PREFIXES = ("/api/", "/auth/", "/healthz")
DEFAULT_BODY_TIMEOUT_S = 30.0


class DatabaseConcurrencyMiddleware:
    def __init__(self, app: ASGIApp, limit: int, body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S) -> None:
        self.app = app
        self.limit = limit
        self.body_timeout_s = body_timeout_s
        # One semaphore per event loop (one loop per worker; tests may run several).
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(DATABASE_PREFIXES):
            await self.app(scope, receive, send)
            return
        try:
            async with asyncio.timeout(self.body_timeout_s):
                body = await _read_body(receive)
        except TimeoutError:
            await _refuse_slow_body(send, self.body_timeout_s)
            return
        if body is None:  # the client went away before sending all of it
            return
        async with self._semaphore():
            await self.app(scope, _replay(body, receive), send)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return semaphore


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the buffered body, then the client's own messages
    (so the app still hears about a disconnect)."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse_slow_body(send: Send, timeout_s: float) -> None:
    detail = f"Request body not received within {timeout_s:g} s; send the whole body at once"
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 408,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
