"""A refused sign-in, as a browser meets it: the provider's redirect back ends on the
app's account page, which reads the reason once from ``/api/session``."""

from __future__ import annotations

from tests.server.auth.test_oauth_flow import Site, browser, provider, redirect_to_callback, session_of, site
from tests.server.support.database import database_url, postgres_schema_url, sqlite_template

__all__ = ["database_url", "postgres_schema_url", "provider", "site", "sqlite_template"]

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def test_a_refused_sign_in_goes_back_to_the_app_with_its_reason(site: Site) -> None:
    site.provider.id_token_audience = "someone-else"
    with browser(site.url) as client:
        callback = redirect_to_callback(client, "google")
        response = client.get(callback, headers=HTML, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/#/account"
        info = session_of(client)
        assert info["authenticated"] is False
        assert str(info["login_error"]).startswith("Login with google failed:")
        assert "aud" in str(info["login_error"])
        assert session_of(client)["login_error"] is None  # said once


def test_other_clients_still_get_400(site: Site) -> None:
    with browser(site.url) as client:
        response = client.get("/auth/github/callback?code=abc&state=xyz")
        assert response.status_code == 400
        assert session_of(client)["login_error"] is None


def test_session_says_whether_billing_is_offered(site: Site) -> None:
    with browser(site.url) as client:
        assert session_of(client)["billing"] is False
