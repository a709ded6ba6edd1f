"""``python -m server``: check the settings, apply migrations, then serve with uvicorn
(127.0.0.1:8000). Settings that cannot be used stop it with exit status 2 and one line
per problem naming the setting."""

from __future__ import annotations

import sys

import uvicorn
from pydantic import ValidationError

from server.db import migrate
from server.settings import Settings


def main() -> int:
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(part) for part in problem["loc"])
            message = problem["msg"].removeprefix("Value error, ")
            print(f"tropa: settings refused: {where + ': ' if where else ''}{message}", file=sys.stderr)
        return 2
    if not settings.dist_dir.is_dir():
        print(f"{settings.dist_dir}/ not found: run `make build`", file=sys.stderr)
        return 2
    if settings.is_development:
        print("tropa: development mode (published secret, login without a provider): "
              "loopback only", file=sys.stderr)
    migrate(settings.database_url)
    uvicorn.run(
        "server.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=settings.access_log,
        # Forwarded headers are read by the app, from TROPA_TRUSTED_PROXIES only
        # (server/security.py); uvicorn's own rule trusts loopback and cannot be set here.
        proxy_headers=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
