"""Alembic environment: the URL comes from ``server.db.migrate`` (config attributes)."""

from alembic import context
from sqlalchemy import create_engine, pool

from server.tables import Base

config = context.config
url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
if not url:
    raise RuntimeError("No database URL given to the migrations (use server.db.migrate)")

connectable = create_engine(url, poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
