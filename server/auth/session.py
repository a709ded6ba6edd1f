"""Who is logged in, and the CSRF token, both kept in the signed session cookie.

The cookie is Starlette's ``SessionMiddleware`` (itsdangerous-signed, HttpOnly,
SameSite=Lax, Secure outside development). It holds only the user id, the user's
session epoch, the CSRF token and transient OAuth state; nothing else about the learner.

A cookie counts only while its epoch equals ``users.session_epoch``. Logging out
replaces the epoch, so every cookie of that learner stops working, copies included (a
signed cookie cannot be recalled, only refused); deleting the account deletes the row.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from server.db import SessionDep
from server.tables import User, new_session_epoch
from server.validation import is_row_id

USER_KEY = "uid"
EPOCH_KEY = "epoch"
CSRF_KEY = "csrf"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def log_in(request: Request, user: User) -> None:
    """Start a fresh session for ``user`` (new CSRF token, no leftover OAuth state)."""
    request.session.clear()
    request.session[USER_KEY] = user.id
    request.session[EPOCH_KEY] = user.session_epoch
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def log_out(request: Request, db: Session) -> None:
    """End this session and every other session of its learner (copied cookies too)."""
    user = session_user(request, db)
    if user is not None:
        db.execute(update(User).where(User.id == user.id).values(session_epoch=new_session_epoch()))
        db.commit()
    request.session.clear()


def session_user(request: Request, db: Session) -> User | None:
    """The user this session's cookie stands for, or None if it stands for nobody now."""
    user_id = request.session.get(USER_KEY)
    epoch = request.session.get(EPOCH_KEY)
    if not (is_row_id(user_id) and isinstance(epoch, str)):
        return None
    user = db.get(User, user_id)
    if user is None or not hmac.compare_digest(user.session_epoch, epoch):
        return None
    return user


def current_user(request: Request, db: SessionDep) -> User:
    user = session_user(request, db)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not logged in")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


class CsrfMiddleware:
    """Refuse state-changing requests whose ``X-CSRF-Token`` header does not match the
    session's token. Sits inside ``SessionMiddleware``. ``exempt`` paths authenticate
    differently (the Stripe webhook is signed)."""

    def __init__(self, app: ASGIApp, exempt: frozenset[str]) -> None:
        self.app = app
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS and scope["path"] not in self.exempt:
            expected = scope.get("session", {}).get(CSRF_KEY)
            given = dict(scope["headers"]).get(CSRF_HEADER.encode(), b"").decode("latin-1")
            if not (isinstance(expected, str) and given and hmac.compare_digest(expected, given)):
                await _refuse(send)
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = json.dumps(
        {"detail": "CSRF token missing or wrong: send the X-CSRF-Token header from GET /api/session"}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})
