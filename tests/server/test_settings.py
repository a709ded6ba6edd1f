from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.settings import Settings, normalize_database_url

REAL = "r3al-secret-value-with-enough-entropy-0123456789"


def test_defaults_are_a_local_development_server() -> None:
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert str(settings.dist_dir) == "dist"
    assert settings.database_url == "sqlite:///data/tropa.db"
    assert settings.is_development


def test_database_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/tropa")
    settings = Settings()
    assert settings.database_url == "postgresql://u@db/tropa"
    assert settings.sqlalchemy_url == "postgresql+psycopg://u@db/tropa"


def test_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TROPA_PORT", "9001")
    monkeypatch.setenv("TROPA_ENVIRONMENT", "production")
    monkeypatch.setenv("TROPA_SECRET_KEY", REAL)
    settings = Settings()
    assert settings.port == 9001
    assert settings.secure_cookies is True


@pytest.mark.parametrize("secret", ["", "change-me", "changethis", "dev-only-insecure-secret"])
def test_placeholder_secret_refused_outside_development(secret: str) -> None:
    with pytest.raises(ValidationError, match="TROPA_SECRET_KEY must be set to a real secret"):
        Settings(environment="production", secret_key=secret)


def test_placeholder_accepted_in_development() -> None:
    assert Settings(environment="development", secret_key="change-me").is_development


def test_short_secret_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(environment="production", secret_key="short-but-not-a-placeholder")


def test_enabled_integrations_need_real_secrets() -> None:
    with pytest.raises(ValidationError, match="TROPA_GITHUB_CLIENT_SECRET"):
        Settings(environment="production", secret_key=REAL, github_client_id="abc")
    with pytest.raises(ValidationError, match="TROPA_STRIPE_WEBHOOK_SECRET"):
        Settings(environment="production", secret_key=REAL, stripe_secret_key="sk_live_" + REAL)


def test_unknown_setting_is_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Settings(dist_directory="x")  # type: ignore[call-arg]


def test_normalize_database_url() -> None:
    assert normalize_database_url("postgres://a/b") == "postgresql+psycopg://a/b"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"
