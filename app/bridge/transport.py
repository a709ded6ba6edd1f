"""The sync and account ``Transport`` on the browser: same-origin ``fetch`` with the
session cookie, JSON both ways, and a timeout; plus the few window facts the account
needs (online or not, the ``online`` event, leaving the page for a provider or Stripe).

The CSRF header is set by the callers (``app.services.sync``, ``app.services.account``)
from ``GET /api/session``, as the server's ``CsrfMiddleware`` expects.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from js import AbortSignal, document, fetch, navigator, window  # type: ignore[import-not-found]
from pyscript.ffi import create_proxy, to_js  # type: ignore[import-not-found]

from app.ports import Reply, Request, TransportError


class BrowserTransport:
    """Sends a ``Request`` to the page's own origin; every request gives up after
    ``timeout_s`` and raises TransportError when no reply came (offline, aborted)."""

    def __init__(self, timeout_s: float = 20.0) -> None:
        self.timeout_s = timeout_s

    async def send(self, request: Request) -> Reply:
        url = request.path + (f"?{urlencode(dict(request.params))}" if request.params else "")
        headers = {"accept": "application/json", **request.headers}
        options: dict[str, Any] = {
            "method": request.method,
            "credentials": "same-origin",
            "cache": "no-store",
            "headers": headers,
            "signal": AbortSignal.timeout(int(self.timeout_s * 1000)),
        }
        if request.json is not None:
            headers["content-type"] = "application/json"
            options["body"] = json.dumps(request.json, ensure_ascii=False, separators=(",", ":"))
        try:
            response = await fetch(url, to_js(options))
            text = str(await response.text())
        except Exception as error:  # a JS TypeError (offline) or TimeoutError (abort)
            raise TransportError(f"{request.method} {request.path}: no answer ({error})") from error
        kind = str(response.headers.get("content-type") or "")
        body: Any = None
        if text and "json" in kind:
            try:
                body = json.loads(text)
            except json.JSONDecodeError:
                body = None
        retry_after = response.headers.get("retry-after")
        reply_headers = {"content-type": kind}
        if retry_after:
            reply_headers["retry-after"] = str(retry_after)
        return Reply(int(response.status), body, reply_headers)


class BrowserWindow:
    """The window facts the account and sync need."""

    def __init__(self) -> None:
        self._proxies: list[Any] = []

    def online(self) -> bool:
        return bool(navigator.onLine)

    def on_online(self, handler: Callable[[], None]) -> None:
        """Call ``handler()`` whenever the browser comes back online (kept for the page's life)."""
        proxy = create_proxy(lambda _event: handler())
        self._proxies.append(proxy)
        window.addEventListener("online", proxy)

    def on_offline(self, handler: Callable[[], None]) -> None:
        proxy = create_proxy(lambda _event: handler())
        self._proxies.append(proxy)
        window.addEventListener("offline", proxy)

    def visible(self) -> bool:
        """Whether the page is shown now (its tab in front, the window not minimised)."""
        return str(document.visibilityState) == "visible"

    def on_visible(self, handler: Callable[[], None]) -> None:
        """Call ``handler()`` whenever the page becomes visible again (its tab shown)."""

        def changed(_event: Any) -> None:
            if str(document.visibilityState) == "visible":
                handler()

        proxy = create_proxy(changed)
        self._proxies.append(proxy)
        document.addEventListener("visibilitychange", proxy)

    def go(self, url: str) -> None:
        """Leave the app for ``url`` (a provider's sign-in page, Stripe Checkout or Portal)."""
        window.location.assign(url)

    def reload(self) -> None:
        window.location.reload()

    def query(self) -> str:
        return str(window.location.search)

    def clear_query(self) -> None:
        """Drop ``?checkout=...`` from the address, keeping the route."""
        window.history.replaceState(None, "", str(window.location.pathname) + str(window.location.hash))
