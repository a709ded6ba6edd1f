"""``Api`` on the browser: same-origin fetch with a timeout."""

from __future__ import annotations

import json
from typing import Any

from js import AbortSignal, fetch  # type: ignore[import-not-found]
from pyscript.ffi import to_js  # type: ignore[import-not-found]

from app.core.errors import ApiError


class BrowserApi:
    """GETs JSON from the app's own server; every request gives up after ``timeout_s``."""

    def __init__(self, timeout_s: float = 30.0) -> None:
        self.timeout_s = timeout_s

    async def get_json(self, path: str) -> Any:
        options = to_js(
            {"credentials": "same-origin", "signal": AbortSignal.timeout(int(self.timeout_s * 1000))}
        )
        try:
            response = await fetch(path, options)
        except Exception as error:  # a JS TypeError (offline) or TimeoutError (abort)
            raise ApiError(f"GET {path} failed: {error}") from error
        if not response.ok:
            raise ApiError(f"GET {path} failed: HTTP {response.status} {response.statusText}")
        text = await response.text()
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ApiError(f"GET {path}: response is not JSON ({error})") from error
