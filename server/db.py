"""Database engine, sessions and migrations.

The engine is built by the app factory from settings (never at import time); each
request gets its own ``Session`` through the ``SessionDep`` dependency.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from alembic import command
from alembic.config import Config
from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from server.settings import normalize_database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(database_url: str, pool_size: int = 5, max_overflow: int = 5) -> Engine:
    """Create an engine; for SQLite, create the parent folder and enable foreign keys."""
    url = make_url(normalize_database_url(database_url))
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        _create_sqlite_folder(database_url)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow)
    engine = create_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _create_sqlite_folder(database_url: str) -> None:
    url = make_url(normalize_database_url(database_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def migrate(database_url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations up to ``revision`` (creating a SQLite file's folder)."""
    _create_sqlite_folder(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = normalize_database_url(database_url)
    command.upgrade(config, revision)


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
