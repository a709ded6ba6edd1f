"""HTTP method rules for the API: HEAD answers like GET, and a known path asked with a
method it does not take answers 405 with ``Allow`` (not 404)."""

from __future__ import annotations

from fastapi import FastAPI, HTTPException, Request, status
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEAD_AS_GET_PREFIXES = ("/api/", "/healthz")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


class HeadAsGetMiddleware:
    """Run a HEAD request to an API path as GET and send the headers without the body
    (FastAPI routes declare GET only; static files handle HEAD themselves)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "HEAD"
            or not scope["path"].startswith(HEAD_AS_GET_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str]:
    """The methods with which some route in ``routes`` fully matches ``scope``'s path
    (included routers report a wrong method only as a partial match, without naming
    the right ones, so each method is tried)."""
    return {
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    }


def install_fallbacks(app: FastAPI, prefixes: tuple[str, ...]) -> None:
    """Under each prefix, an unknown path answers a JSON 404 and a known path with
    another method a 405 naming the allowed ones. Call after every route is added."""

    def not_found(request: Request, rest: str) -> None:
        routes = [
            route
            for route in app.router.routes
            if getattr(route, "endpoint", None) is not not_found and not isinstance(route, Mount)
        ]
        methods = allowed_methods(routes, request.scope)
        if methods:
            allow = ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
            raise HTTPException(
                status.HTTP_405_METHOD_NOT_ALLOWED,
                f"{request.method} is not allowed on {request.url.path}; allowed: {allow}",
                headers={"Allow": allow},
            )
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"No API route {request.url.path}")

    for prefix in prefixes:
        app.add_api_route(
            f"{prefix}{{rest:path}}",
            not_found,
            methods=[*METHODS, "OPTIONS"],
            include_in_schema=False,
        )
