"""The Alembic migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from server.db import MIGRATIONS_DIR, migrate
from server.tables import Base
from tests.server.support.database import DATABASES, POSTGRES_URL


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() is not None
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, of the parametrised kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tropa.db'}"
        return
    schema = f"tropa_migration_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_upgrade_to_0002_keeps_every_learner_and_what_points_at_them(empty_database_url: str) -> None:
    migrate(empty_database_url, "0001")
    engine = create_engine(empty_database_url)
    now = datetime.now(UTC)
    with engine.begin() as db:
        users = "INSERT INTO users (id, created_at, sync_seq) VALUES (1, :t, 7), (2, :t, 0)"
        db.execute(text(users), {"t": now})
        db.execute(
            text("INSERT INTO profiles VALUES (1, 'alice', 'en', '{}', :t), (2, 'bob', 'ru', '{}', :t)"),
            {"t": now},
        )
        db.execute(text("INSERT INTO sync_fields VALUES (1, 'note', 'n1', 'text', '\"hi\"', :h, 'd', 7)"),
                   {"h": "001700000000000-000000"})
    engine.dispose()

    migrate(empty_database_url)

    engine = create_engine(empty_database_url)
    with engine.begin() as db:
        users = db.execute(text("SELECT id, sync_seq, session_epoch FROM users ORDER BY id")).all()
        assert [(u.id, u.sync_seq) for u in users] == [(1, 7), (2, 0)]
        assert all(len(u.session_epoch) == 32 for u in users)
        assert users[0].session_epoch != users[1].session_epoch
        assert db.scalar(text("SELECT count(*) FROM profiles")) == 2
        assert db.scalar(text("SELECT value FROM sync_fields WHERE user_id = 1")) in ('"hi"', "hi")
        if engine.dialect.name == "sqlite":
            ddl = db.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'users'"))
            assert "AUTOINCREMENT" in ddl
    engine.dispose()


def test_sqlite_hands_out_no_id_twice_after_the_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tropa.db'}"
    migrate(url)
    engine = create_engine(url)
    with engine.begin() as db:
        insert = text("INSERT INTO users (created_at, sync_seq, session_epoch) VALUES (:t, 0, :e)")
        db.execute(insert, {"t": datetime.now(UTC), "e": "a" * 32})
        newest = db.scalar(text("SELECT max(id) FROM users"))
        db.execute(text("DELETE FROM users WHERE id = :i"), {"i": newest})
        db.execute(insert, {"t": datetime.now(UTC), "e": "b" * 32})
        assert db.scalar(text("SELECT max(id) FROM users")) == newest + 1
    engine.dispose()


def test_downgrade_from_0002_keeps_the_learners(empty_database_url: str) -> None:
    migrate(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.begin() as db:
        db.execute(
            text("INSERT INTO users (created_at, sync_seq, session_epoch) VALUES (:t, 3, :e)"),
            {"t": datetime.now(UTC), "e": "c" * 32},
        )
    downgrade(empty_database_url, "0001")
    with engine.begin() as db:
        assert db.scalar(text("SELECT sync_seq FROM users")) == 3
    engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    command.downgrade(config, revision)
