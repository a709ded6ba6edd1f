"""Work a part starts from a render or a click and does not wait for (reading counts,
a search by meaning), kept until it ends: asyncio holds only weak references to tasks,
so a task nobody keeps may be collected before it finishes."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Background:
    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def settle(self) -> None:
        """Wait until nothing started here is running (tests; tasks may start tasks)."""
        while self.tasks:
            await asyncio.gather(*self.tasks)
