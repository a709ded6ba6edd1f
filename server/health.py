"""GET /healthz: the process answers and the database answers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.db import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(db: SessionDep) -> JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return JSONResponse({"status": "error", "database": type(error).__name__}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
