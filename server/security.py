"""Response security headers, the request body size cap and the forwarded-header rule,
as pure ASGI middleware so they cover every response: API, static files, redirects and
errors (a 500 included) alike."""

from __future__ import annotations

import ipaddress
import json

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.settings import Network

# PyScript/Pyodide need eval and wasm compilation; workers and model blobs come from blob:.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
        "worker-src 'self' blob:",
        # Course packs are fetched by the page from the host a learner names (any https
        # site, or a server on this computer); images stay same-origin (img-src), so a
        # pack's pictures on other hosts are never fetched.
        "connect-src 'self' blob: data: https: http://127.0.0.1:* http://localhost:*",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer (wasm threads).
BASE_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cross-origin-resource-policy": "same-origin",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
HSTS = "max-age=63072000; includeSubDomains"
# Answers that hold a learner's data must not be kept by a browser or a shared cache.
NO_STORE_PREFIXES = ("/api/", "/auth/", "/healthz")


class SecurityHeadersMiddleware:
    """Adds the headers to every response. An exception that escapes the app is answered
    here with a JSON 500 that has them too (Starlette's own 500 comes from outside every
    middleware), then raised on for the server to log."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        no_store = scope["path"].startswith(NO_STORE_PREFIXES)
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in BASE_HEADERS.items():
                    headers[name] = value
                if https:
                    headers["strict-transport-security"] = HSTS
                if no_store:
                    headers["cache-control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:
                body = json.dumps({"detail": "Internal server error"}).encode()
                await send_with_headers(_json_start(500, body))
                await send({"type": "http.response.body", "body": body})
            raise


def _json_start(status: int, body: bytes) -> Message:
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
    }


class ForwardedHeadersMiddleware:
    """Believe ``X-Forwarded-For`` and ``X-Forwarded-Proto`` only from ``trusted`` proxies.

    From any other peer both headers are ignored: the client is the socket peer and the
    scheme is the connection's. From a trusted peer the client is the right-most address
    in ``X-Forwarded-For`` that is not itself a trusted proxy (entries left of it were
    written by the client and prove nothing), and the scheme is the right-most
    ``X-Forwarded-Proto`` value. An entry that is not an IP address ends the walk.
    """

    def __init__(self, app: ASGIApp, trusted: tuple[Network, ...]) -> None:
        self.app = app
        self.trusted = trusted

    def _trusted(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] not in ("http", "websocket") or not client or not self._trusted(client[0]):
            await self.app(scope, receive, send)
            return
        forwarded_for: list[str] = []
        proto = None
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                forwarded_for.extend(part.strip() for part in value.decode("latin-1").split(","))
            elif name == b"x-forwarded-proto":
                proto = value.decode("latin-1").split(",")[-1].strip().lower()
        scope = dict(scope)
        scope["client"] = (self._client_host(client[0], forwarded_for), 0)
        if proto in ("http", "https"):
            scope["scheme"] = proto if scope["type"] == "http" else {"http": "ws", "https": "wss"}[proto]
        await self.app(scope, receive, send)

    def _client_host(self, peer: str, forwarded_for: list[str]) -> str:
        host = peer
        for entry in reversed(forwarded_for):
            try:
                host = str(ipaddress.ip_address(entry))
            except ValueError:
                break
            if not self._trusted(host):
                break
        return host


class BodySizeLimitMiddleware:
    """Answer 413 when a request body is larger than ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await self._refuse(send)
                return
        received = 0
        refused = False

        async def limited_receive() -> Message:
            # Past the cap: answer 413 ourselves and tell the app the client went away.
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, whatever the app answers is dropped
                await send(message)

        await self.app(scope, limited_receive, guarded_send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": f"Request body is larger than {self.max_bytes} bytes"}).encode()
        await send(_json_start(413, body))
        await send({"type": "http.response.body", "body": body})
