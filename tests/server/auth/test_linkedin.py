"""LinkedIn sign-in (OpenID Connect) against the local provider's LinkedIn profile, over
real HTTP: its own client that must send its secret in the token request's body, its own
issuer, ``openid profile email``, and the nonce rule of server/auth/providers.py: a
nonce in the ID token must be ours; no nonce at all is accepted for LinkedIn only
(LinkedIn does not always send it back), never for Google.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import Settings
from tests.server.auth.test_oauth_flow import Site, browser, provider, redirect_to_callback, session_of, site
from tests.server.support.app import make_settings
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = ["database_url", "postgres_schema_url", "provider", "site", "sqlite_template"]

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_linkedin_sign_in_checks_the_id_token_and_keeps_the_name(site: Site) -> None:
    with browser(site.url) as client:
        assert "linkedin" in session_of(client)["providers"]  # type: ignore[operator]
        response = client.get("/auth/linkedin/login")
        assert response.status_code == 200, response.text
        info = session_of(client)
        assert info["authenticated"] is True
        client.headers["x-csrf-token"] = str(info["csrf_token"])
        assert client.get("/api/me/profile").json()["display_name"] == "Ada Lovelace"
    sent = site.provider.seen_authorize_params[-1]
    assert sent["nonce"] and sent["code_challenge_method"] == "S256"


def test_an_id_token_without_a_nonce_is_accepted_from_linkedin_only(site: Site) -> None:
    site.provider.id_token_nonce = "omit"
    with browser(site.url) as client:
        assert client.get("/auth/linkedin/login").status_code == 200
        assert session_of(client)["authenticated"] is True
    with browser(site.url) as client:
        response = client.get("/auth/google/login")
        assert response.status_code == 400
        assert "nonce" in response.json()["detail"]
        assert session_of(client)["authenticated"] is False


def test_an_id_token_with_another_sign_ins_nonce_is_refused_with_its_reason(site: Site) -> None:
    site.provider.id_token_nonce = "wrong"
    with browser(site.url) as client:
        callback = redirect_to_callback(client, "linkedin")
        response = client.get(callback, headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/#/account"
        info = session_of(client)
        assert info["authenticated"] is False
        assert str(info["login_error"]).startswith("Login with linkedin failed:")
        assert "nonce" in str(info["login_error"])


def test_an_id_token_for_another_client_is_refused(site: Site) -> None:
    site.provider.id_token_audience = "some-other-client"
    with browser(site.url) as client:
        response = client.get("/auth/linkedin/login")
        assert response.status_code == 400
        assert "'aud'" in response.json()["detail"]
        assert session_of(client)["authenticated"] is False


def test_without_a_client_id_linkedin_is_not_offered(database_url: str, dist_dir: Path) -> None:
    with TestClient(create_app(make_settings(database_url, dist_dir))) as client:
        assert "linkedin" not in client.get("/api/session").json()["providers"]
        response = client.get("/auth/linkedin/login", follow_redirects=False)
        assert response.status_code == 404
        assert response.json()["detail"] == "Login with linkedin is not configured"


def test_a_placeholder_linkedin_secret_is_refused_outside_development(dist_dir: Path) -> None:
    with pytest.raises(ValueError, match="TROPA_LINKEDIN_CLIENT_SECRET"):
        Settings(environment="production", dist_dir=dist_dir, secret_key="s" * 40,
                 linkedin_client_id="an-app", linkedin_client_secret="change-me")
