"""The app factory: ``create_app(settings) -> FastAPI``.

The engine, OAuth registry and Stripe gateway are built here from settings and hung on
``app.state``; nothing is created at import time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm import sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from server import health
from server.auth import routes as auth_routes
from server.auth.providers import build_oauth
from server.auth.session import CsrfMiddleware
from server.billing import routes as billing_routes
from server.billing.gateway import StripeGateway
from server.concurrency import DatabaseConcurrencyMiddleware
from server.content import routes as content_routes
from server.content.shelf import PremiumShelf
from server.db import make_engine
from server.profiles import routes as profile_routes
from server.ratelimit import connect_redis
from server.routing import HeadAsGetMiddleware, install_fallbacks
from server.security import BodySizeLimitMiddleware, ForwardedHeadersMiddleware, SecurityHeadersMiddleware
from server.settings import Settings
from server.static import DistFiles
from server.sync import routes as sync_routes
from server.sync.postgres import PostgresSync

SESSION_COOKIE = "tropa_session"


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. Raises DistMissingError if ``settings.dist_dir`` does not exist."""
    settings = settings or Settings()
    static = DistFiles(settings.dist_dir)
    engine = make_engine(settings.database_url, settings.db_pool_size, settings.db_max_overflow)

    counters = connect_redis(settings.redis_url) if settings.redis_url else None
    # Push and pull on the event loop through asyncpg when the database is PostgreSQL.
    postgres_sync = (
        PostgresSync(settings.sqlalchemy_url, settings.db_pool_size + settings.db_max_overflow,
                     settings.sync_rate_limit, settings.rate_limit_window_s, settings.redis_url)
        if engine.dialect.name == "postgresql" else None
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if postgres_sync is not None:
            await postgres_sync.start()
        try:
            yield
        finally:
            if postgres_sync is not None:
                await postgres_sync.close()
            engine.dispose()
            if counters is not None:
                counters.close()

    app = FastAPI(
        title="Tropa server",
        version="0.1.0",
        lifespan=lifespan,
        docs_url="/api/docs" if settings.is_development else None,
        redoc_url=None,
        openapi_url="/api/openapi.json" if settings.is_development else None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.redis = counters  # rate-limit counters; None: in the database
    app.state.postgres_sync = postgres_sync  # None: sync through SQLAlchemy (SQLite)
    app.state.sessionmaker = sessionmaker(engine, expire_on_commit=False)
    app.state.oauth = build_oauth(settings)
    app.state.billing = StripeGateway(settings) if settings.stripe_enabled else None
    app.state.premium = PremiumShelf(settings.premium_content)

    app.include_router(health.router)
    app.include_router(auth_routes.router)
    if settings.is_development:
        app.include_router(auth_routes.dev_router)
    app.include_router(profile_routes.router)
    app.include_router(sync_routes.router)
    app.include_router(billing_routes.router)
    app.include_router(content_routes.router)
    _install_error_handlers(app)

    install_fallbacks(app, ("/api/", "/auth/"))

    app.mount("/", static, name="static")

    # Added last = outermost: the client address and scheme (from trusted proxies only),
    # headers on every response, HEAD as GET, the size cap, the database bound, the
    # session cookie, and CSRF (which needs the session).
    app.add_middleware(CsrfMiddleware, exempt=frozenset({billing_routes.WEBHOOK_PATH}))
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        DatabaseConcurrencyMiddleware,
        limit=settings.db_pool_size + settings.db_max_overflow,
        body_timeout_s=settings.body_timeout_s,
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(ForwardedHeadersMiddleware, trusted=settings.trusted_proxy_networks)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in problems[:5])
        return JSONResponse({"detail": f"Invalid request: {summary}", "errors": problems}, status_code=422)


def app_from_environment() -> FastAPI:
    """Factory for ``uvicorn --factory`` (one app per worker, settings from env)."""
    return create_app(Settings())
