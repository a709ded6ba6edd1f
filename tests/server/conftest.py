from tests.server.support.app import app, client, dist_dir, settings
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = [
    "app",
    "client",
    "database_url",
    "dist_dir",
    "postgres_schema_url",
    "settings",
    "sqlite_template",
]
