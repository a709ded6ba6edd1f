"""The boundaries between the app's use cases and the browser, as Protocols.

``app.bridge`` implements them on Pyodide; tests under CPython use the honest fakes
in ``tests/fakes.py`` (or real servers), never mocks that accept any call.
"""

from __future__ import annotations

from typing import Any, Protocol


class Api(Protocol):
    """Reads from the server that serves the app (same origin)."""

    async def get_json(self, path: str) -> Any:
        """GET ``path`` and return its decoded JSON; raise ApiError on failure."""
        ...


class Preferences(Protocol):
    """Small learner settings kept on the device (language, overrides)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...
