"""Development mode (published secret, login without a provider) only on loopback: any
setting that makes the server reachable from elsewhere refuses it, at start-up too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from server.settings import DEV_SECRET, Settings, is_loopback_host

ROOT = Path(__file__).resolve().parents[2]
REAL = "r3al-secret-value-with-enough-entropy-0123456789"


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("host", "0.0.0.0", "TROPA_HOST='0.0.0.0'"),
        ("host", "::", "TROPA_HOST='::'"),
        ("host", "192.0.2.10", "TROPA_HOST='192.0.2.10'"),
        ("host", "tropa.example", "TROPA_HOST='tropa.example'"),
        ("public_url", "https://tropa.example", "TROPA_PUBLIC_URL='https://tropa.example' is https"),
        ("public_url", "https://127.0.0.1:8443", "TROPA_PUBLIC_URL='https://127.0.0.1:8443' is https"),
        ("public_url", "http://tropa.example", "TROPA_PUBLIC_URL='http://tropa.example' is not a loopback"),
        ("trusted_proxies", "10.0.0.0/8", "TROPA_TRUSTED_PROXIES trusts 10.0.0.0/8"),
    ],
)
def test_development_is_refused_when_reachable(setting: str, value: str, named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(**{setting: value})
    message = str(caught.value)
    assert "TROPA_ENVIRONMENT='development'" in message
    assert named in message
    assert "Set TROPA_ENVIRONMENT=production" in message


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"host": "localhost", "public_url": "http://localhost:8000"},
        {"host": "127.0.0.2"},
        {"host": "::1", "public_url": "http://[::1]:8000"},
        {"trusted_proxies": "127.0.0.1, ::1"},
    ],
)
def test_development_on_loopback_is_accepted(values: dict[str, str]) -> None:
    settings = Settings(**values)
    assert settings.is_development
    assert settings.secret_key.get_secret_value() == DEV_SECRET


def test_production_may_listen_everywhere_behind_https() -> None:
    settings = Settings(
        environment="production",
        secret_key=REAL,
        host="0.0.0.0",
        public_url="https://tropa.example",
        trusted_proxies="10.0.0.0/8",
    )
    assert settings.secure_cookies
    assert settings.exposure()  # reachable, which production allows


def test_unparseable_trusted_proxy_is_named() -> None:
    with pytest.raises(ValidationError, match=r"TROPA_TRUSTED_PROXIES entry 'proxy\.local' is not an IP"):
        Settings(trusted_proxies="10.0.0.1, proxy.local")


def test_loopback_hosts() -> None:
    loopback = ("127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3")
    assert [is_loopback_host(h) for h in loopback] == [True] * 5
    elsewhere = ("0.0.0.0", "::", "10.0.0.1", "example.org", "")
    assert [is_loopback_host(h) for h in elsewhere] == [False] * 5


def test_python_m_server_says_which_setting_and_exits_2(tmp_path: Path) -> None:
    (tmp_path / "dist").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "server"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "TROPA_HOST": "0.0.0.0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "tropa: settings refused:" in result.stderr
    assert "TROPA_HOST='0.0.0.0' listens beyond loopback" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # refused before any migration
