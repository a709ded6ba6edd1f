"""``python -m server``: apply migrations, then serve with uvicorn (127.0.0.1:8000)."""

from __future__ import annotations

import sys

import uvicorn

from server.db import migrate
from server.settings import Settings


def main() -> int:
    settings = Settings()
    if not settings.dist_dir.is_dir():
        print(f"{settings.dist_dir}/ not found: run `make build`", file=sys.stderr)
        return 2
    migrate(settings.database_url)
    uvicorn.run(
        "server.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
