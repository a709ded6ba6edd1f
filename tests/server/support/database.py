"""Test databases: every DB-touching test runs on SQLite and on PostgreSQL.

Choose with ``TROPA_TEST_DATABASES`` (comma list, default ``sqlite,postgresql``) and
``TROPA_TEST_POSTGRES_URL`` (default: the local server's database ``test``).
Isolation: SQLite gets a fresh migrated file per test; PostgreSQL gets one schema per
test session (so parallel runs never meet), migrated once and truncated before each test.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from server.db import migrate
from server.tables import Base

POSTGRES_URL = os.environ.get("TROPA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DATABASES = [
    name.strip()
    for name in os.environ.get("TROPA_TEST_DATABASES", "sqlite,postgresql").split(",")
    if name.strip()
]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "tropa.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    schema = f"tropa_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    try:
        migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of the parametrised kind."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "tropa.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_schema_url")
        engine = create_engine(url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return url
    raise ValueError(f"Unknown test database {request.param!r}. Should be one of: sqlite, postgresql")
