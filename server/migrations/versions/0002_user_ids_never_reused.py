"""user ids never reused; users.session_epoch

SQLite gets ``AUTOINCREMENT`` on ``users.id`` (the table is rebuilt, keeping its rows
and, because the migrations run with foreign keys off, every row that points at them).
``session_epoch`` is filled with a random value per existing user.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 04:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RANDOM_HEX_32 = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "md5(random()::text || clock_timestamp()::text || id::text)",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_epoch", sa.String(length=32), nullable=True))
    op.execute(f"UPDATE users SET session_epoch = {RANDOM_HEX_32[dialect]}")
    if dialect == "sqlite":
        _check_sqlite_foreign_keys_off()
        with op.batch_alter_table(
            "users", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch_op:
            batch_op.alter_column("session_epoch", existing_type=sa.String(length=32), nullable=False)
    else:
        op.alter_column("users", "session_epoch", existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("users", "session_epoch")
        return
    _check_sqlite_foreign_keys_off()
    with op.batch_alter_table(
        "users", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ) as batch_op:
        batch_op.drop_column("session_epoch")


def _check_sqlite_foreign_keys_off() -> None:
    # Rebuilding drops the old users table; with foreign keys on, that would cascade
    # and delete every learner's data.
    if op.get_bind().exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("migration 0002 must run with SQLite foreign keys off (server.db.migrate does)")
