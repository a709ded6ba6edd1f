"""At most as many database-using requests in flight per worker as it has connections.

Route handlers are sync and run in a pool of 40 threads, while a worker has only
``db_pool_size + db_max_overflow`` connections. Without a bound, excess requests wait
inside SQLAlchemy's pool, which is not first-come-first-served, and under load an
unlucky request waits past the pool timeout. Here they wait, in arrival order, on an
asyncio semaphore before entering the app; static files are not held back.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.types import ASGIApp, Receive, Scope, Send

DATABASE_PREFIXES = ("/api/", "/auth/", "/healthz")


class DatabaseConcurrencyMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        # One semaphore per event loop (one loop per worker; tests may run several).
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._semaphores = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(DATABASE_PREFIXES):
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        async with semaphore:
            await self.app(scope, receive, send)
