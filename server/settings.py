"""Server settings: one pydantic-settings class, read once per app.

Every value comes from the environment (prefix ``TROPA_``; the database also from
``DATABASE_URL``) or from keyword arguments in tests. Outside development the secrets
must be real: a placeholder such as ``change-me`` stops start-up with a message that
names the setting. Development mode (the default, with a published secret and a login
without a provider) is refused as soon as the server could be reached from outside
loopback: a host other than loopback, an https or non-loopback public URL, or a trusted
proxy on another address.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "production"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "changethis", "secret", "dev", "test"})
DEV_SECRET = "dev-only-insecure-secret"  # accepted in development only


def is_placeholder(value: str) -> bool:
    """True for an empty, well-known or ``dev-``-prefixed secret value."""
    return value.strip().lower() in PLACEHOLDER_SECRETS or value.startswith("dev-")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ::1; False for 0.0.0.0,
    ``::``, other addresses and other names."""
    host = host.strip().strip("[]").lower()
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_networks(value: str) -> tuple[Network, ...]:
    """Comma-separated addresses or CIDR networks; raises ValueError naming a bad entry."""
    networks: list[Network] = []
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"TROPA_TRUSTED_PROXIES entry {entry!r} is not an IP address or CIDR network "
                "(e.g. 10.0.0.5, 10.0.0.0/24, ::1); names are not accepted"
            ) from None
    return tuple(networks)


class Settings(BaseSettings):
    """All server configuration. Build it once and hand it to ``create_app``."""

    model_config = SettingsConfigDict(
        env_prefix="TROPA_", env_file=None, extra="forbid", populate_by_name=True
    )

    environment: Environment = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    dist_dir: Path = Path("dist")
    database_url: str = Field(
        default="sqlite:///data/tropa.db",
        validation_alias=AliasChoices("DATABASE_URL", "TROPA_DATABASE_URL", "database_url"),
    )
    public_url: str = "http://127.0.0.1:8000"
    # Addresses of the reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are
    # believed (comma-separated IPs or CIDR networks). Empty: none, the client is the
    # socket peer and forwarded headers are ignored.
    trusted_proxies: str = ""
    # Connections per worker process (PostgreSQL), and as many again in the sync routes'
    # asyncpg pool; size it so 2 x workers x (pool + overflow) stays under max_connections.
    db_pool_size: int = Field(default=5, ge=1, le=100)
    db_max_overflow: int = Field(default=5, ge=0, le=100)

    secret_key: SecretStr = SecretStr(DEV_SECRET)
    session_max_age_s: int = 14 * 24 * 3600
    # None: Secure cookies everywhere except development (plain-HTTP loopback).
    cookie_secure: bool | None = None

    # OAuth providers. Endpoints are settings so tests can point them at a local provider.
    github_client_id: str = ""
    github_client_secret: SecretStr = SecretStr("")
    github_authorize_url: str = "https://github.com/login/oauth/authorize"
    github_token_url: str = "https://github.com/login/oauth/access_token"
    github_api_url: str = "https://api.github.com/"
    google_client_id: str = ""
    google_client_secret: SecretStr = SecretStr("")
    google_metadata_url: str = "https://accounts.google.com/.well-known/openid-configuration"
    linkedin_client_id: str = ""
    linkedin_client_secret: SecretStr = SecretStr("")
    linkedin_metadata_url: str = "https://www.linkedin.com/oauth/.well-known/openid-configuration"

    # Stripe. Price ids of the two plans; api_base only changes for tests.
    stripe_secret_key: SecretStr = SecretStr("")
    stripe_webhook_secret: SecretStr = SecretStr("")
    stripe_price_monthly: str = ""
    stripe_price_yearly: str = ""
    stripe_api_base: str = "https://api.stripe.com"

    # Fixed-window rate limits (requests per window per key). Counters in Redis when a
    # URL is given (redis://host:6379/0, rediss://, unix://), else in the database.
    redis_url: str = ""
    # Fixed-window rate limits (requests per window per key).
    rate_limit_window_s: int = Field(default=60, ge=1, le=3600)
    login_rate_limit: int = Field(default=20, ge=1)
    sync_rate_limit: int = Field(default=120, ge=1)

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # One log line per request costs CPU on every request; a proxy in front logs them too.
    access_log: bool = False
    # A request body must arrive whole within this many seconds (else 408); a stalled
    # body never holds a database slot (server/concurrency.py).
    body_timeout_s: float = Field(default=30.0, gt=0, le=600)
    free_sync_devices: int = Field(default=2, ge=1)
    # The premium trails' text (builder.content writes it beside dist/, never inside):
    # served to Pro learners by /api/content/premium/{roadmap}. Missing: no premium text.
    premium_content: Path = Path("dist-premium/premium.json")

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(
                f"TROPA_REDIS_URL {value!r} must start with redis://, rediss:// or unix:// (or be empty)"
            )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_networks(cls, value: str) -> str:
        parse_networks(value)
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not self.is_development

    @property
    def github_enabled(self) -> bool:
        return bool(self.github_client_id)

    @property
    def google_enabled(self) -> bool:
        return bool(self.google_client_id)

    @property
    def linkedin_enabled(self) -> bool:
        return bool(self.linkedin_client_id)

    @property
    def stripe_enabled(self) -> bool:
        return bool(self.stripe_secret_key.get_secret_value())

    def exposure(self) -> list[str]:
        """Why this server could be reached from outside loopback (empty if it cannot)."""
        reasons = []
        if not is_loopback_host(self.host):
            reasons.append(f"TROPA_HOST={self.host!r} listens beyond loopback")
        url = urlsplit(self.public_url)
        if url.scheme == "https":
            reasons.append(f"TROPA_PUBLIC_URL={self.public_url!r} is https")
        elif not is_loopback_host(url.hostname or ""):
            reasons.append(f"TROPA_PUBLIC_URL={self.public_url!r} is not a loopback address")
        remote = [str(n) for n in self.trusted_proxy_networks if not n.is_loopback]
        if remote:
            reasons.append(f"TROPA_TRUSTED_PROXIES trusts {', '.join(remote)} beyond loopback")
        return reasons

    @model_validator(mode="after")
    def _refuse_development_when_reachable(self) -> Settings:
        reasons = self.exposure() if self.is_development else []
        if reasons:
            raise ValueError(
                "TROPA_ENVIRONMENT='development' (the default: a published secret key and a "
                "login without a provider) is only for a server on loopback, but "
                + "; ".join(reasons)
                + ". Set TROPA_ENVIRONMENT=production and a real TROPA_SECRET_KEY, or keep "
                "TROPA_HOST, TROPA_PUBLIC_URL and TROPA_TRUSTED_PROXIES on 127.0.0.1"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholders_outside_development(self) -> Settings:
        if self.is_development:
            return self
        required = {"secret_key": self.secret_key}
        if self.github_enabled:
            required["github_client_secret"] = self.github_client_secret
        if self.google_enabled:
            required["google_client_secret"] = self.google_client_secret
        if self.linkedin_enabled:
            required["linkedin_client_secret"] = self.linkedin_client_secret
        if self.stripe_enabled:
            required["stripe_webhook_secret"] = self.stripe_webhook_secret
            required["stripe_secret_key"] = self.stripe_secret_key
        bad = [name for name, value in required.items() if is_placeholder(value.get_secret_value())]
        if bad:
            names = ", ".join(f"TROPA_{name.upper()}" for name in bad)
            raise ValueError(
                f"{names} must be set to a real secret when environment is "
                f"{self.environment!r} (placeholder or empty value given)"
            )
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("TROPA_SECRET_KEY must be at least 32 characters outside development")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL with the psycopg 3 driver named for PostgreSQL."""
        return normalize_database_url(self.database_url)


def normalize_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to SQLAlchemy's psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
