"""Login, logout and the session endpoint."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.responses import RedirectResponse
from joserfc.errors import JoseError
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from server.accounts import ProviderIdentity, find_or_create_user
from server.auth.providers import LoginRefused, id_token_checks, identity_from_token
from server.auth.session import EPOCH_KEY, USER_KEY, csrf_token, log_in, log_out, session_user
from server.db import SessionDep
from server.profiles.schemas import Language
from server.ratelimit import limit_login
from server.settings import Settings

log = logging.getLogger(__name__)

router = APIRouter(tags=["auth"])
dev_router = APIRouter(tags=["auth"])
Provider = Literal["github", "google", "linkedin"]
LOGIN_ERROR_KEY = "login_error"
LoginLimit = Annotated[None, Depends(limit_login)]


class SessionInfo(BaseModel):
    authenticated: bool
    user_id: int | None
    csrf_token: str
    providers: list[str]
    development_login: bool
    billing: bool = False  # Stripe is configured: the app offers plans
    # Why the last sign-in of this session was refused; said once, then forgotten.
    login_error: str | None = None


class DevLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")


@router.get("/api/session", response_model=SessionInfo)
def session_info(request: Request, db: SessionDep) -> SessionInfo:
    """Who is logged in, plus the CSRF token to send as ``X-CSRF-Token``."""
    settings: Settings = request.app.state.settings
    oauth: OAuth = request.app.state.oauth
    user = session_user(request, db)
    if user is None:  # a logged-out, deleted or never-logged-in session: drop what is left
        request.session.pop(USER_KEY, None)
        request.session.pop(EPOCH_KEY, None)
    login_error = request.session.pop(LOGIN_ERROR_KEY, None)
    return SessionInfo(
        authenticated=user is not None,
        user_id=user.id if user is not None else None,
        csrf_token=csrf_token(request),
        providers=sorted(oauth._clients),
        development_login=settings.is_development,
        billing=request.app.state.billing is not None,
        login_error=login_error if isinstance(login_error, str) else None,
    )


@router.get("/auth/{provider}/login", status_code=302)
async def login(provider: Provider, request: Request, _: LoginLimit) -> Response:
    """Redirect to the provider with state, PKCE and (for OpenID Connect) a nonce."""
    client = _client(request, provider)
    settings: Settings = request.app.state.settings
    redirect_uri = f"{settings.public_url.rstrip('/')}/auth/{provider}/callback"
    response: Response = await client.authorize_redirect(request, redirect_uri)
    return response


@router.get("/auth/{provider}/callback", status_code=302)
async def callback(provider: Provider, request: Request, db: SessionDep, _: LoginLimit) -> Response:
    client = _client(request, provider)
    try:
        token = await client.authorize_access_token(request, **await id_token_checks(provider, client))
        identity = await identity_from_token(provider, client, token)
    except (AuthlibBaseError, JoseError, LoginRefused) as error:
        log.info("login with %s refused: %s", provider, error)
        return _refused(request, f"Login with {provider} failed: {error}")
    except Exception as error:  # the provider sent something Authlib cannot parse
        log.warning("login with %s failed: %r", provider, error)
        return _refused(request, f"Login with {provider} failed: unusable answer")
    # Database work is blocking: in a thread, so the event loop keeps serving others.
    user = await run_in_threadpool(find_or_create_user, db, identity, _language(request))
    log_in(request, user)
    return RedirectResponse("/", status_code=302)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, db: SessionDep) -> Response:
    """End the session, and every other session of the same learner."""
    log_out(request, db)
    return Response(status_code=204)


@dev_router.post("/auth/dev/login", response_model=SessionInfo)
def dev_login(body: DevLogin, request: Request, db: SessionDep, _: LoginLimit) -> SessionInfo:
    """Development only: log in as ``name`` without a provider."""
    identity = ProviderIdentity(provider="dev", subject=body.name, email=None, name=body.name)
    user = find_or_create_user(db, identity, _language(request))
    log_in(request, user)
    return session_info(request, db)


def _refused(request: Request, message: str) -> Response:
    """A refused sign-in: a browser's navigation goes back to the app's account page,
    which shows ``message`` (kept once in the session); any other client gets 400."""
    if "text/html" not in request.headers.get("accept", ""):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, message)
    for key in [k for k in request.session if k.startswith("_state_")]:
        request.session.pop(key)  # Authlib's leftover state for this attempt
    request.session[LOGIN_ERROR_KEY] = message[:300]
    return RedirectResponse("/#/account", status_code=303)


def _client(request: Request, provider: str):  # type: ignore[no-untyped-def]
    oauth: OAuth = request.app.state.oauth
    client = oauth.create_client(provider)
    if client is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"Login with {provider} is not configured")
    return client


def _language(request: Request) -> Language:
    accept = request.headers.get("accept-language", "").lower()
    return "ru" if accept.startswith("ru") else "en"
