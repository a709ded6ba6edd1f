"""The real OAuth / OpenID Connect flows against a local provider over HTTP.

Both sides speak real HTTP on loopback: the "browser" (an httpx client with a cookie
jar) follows redirects from our server to the provider and back, and our server talks
to the provider's token, JWKS and user endpoints through Authlib.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import create_engine, text

from server.app import create_app
from tests.server.support.app import make_settings
from tests.server.support.live import free_port, serve
from tests.server.support.oauth_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    LINKEDIN,
    LINKEDIN_CLIENT_ID,
    LINKEDIN_CLIENT_SECRET,
    LocalProvider,
    build_app,
)


@dataclass
class Site:
    url: str
    provider: LocalProvider


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    provider = LocalProvider()
    with serve(build_app(provider)) as url:
        provider.issuer = url
        yield provider


@pytest.fixture
def site(provider: LocalProvider, database_url: str, dist_dir: Path) -> Iterator[Site]:
    port = free_port()
    settings = make_settings(
        database_url,
        dist_dir,
        public_url=f"http://127.0.0.1:{port}",
        github_client_id=CLIENT_ID,
        github_client_secret=CLIENT_SECRET,
        github_authorize_url=f"{provider.issuer}/authorize",
        github_token_url=f"{provider.issuer}/token",
        github_api_url=f"{provider.issuer}/",
        google_client_id=CLIENT_ID,
        google_client_secret=CLIENT_SECRET,
        google_metadata_url=f"{provider.issuer}/.well-known/openid-configuration",
        linkedin_client_id=LINKEDIN_CLIENT_ID,
        linkedin_client_secret=LINKEDIN_CLIENT_SECRET,
        linkedin_metadata_url=f"{provider.issuer}{LINKEDIN}/.well-known/openid-configuration",
    )
    app = create_app(settings)
    with serve(app, port) as url:
        yield Site(url, provider)
    app.state.engine.dispose()


def browser(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, follow_redirects=True, timeout=10)


def session_of(client: httpx.Client) -> dict[str, object]:
    return dict(client.get("/api/session").json())


def redirect_to_callback(client: httpx.Client, provider_name: str) -> str:
    """Walk the flow up to the provider's redirect back to us; return that URL."""
    to_provider = client.get(f"/auth/{provider_name}/login", follow_redirects=False)
    assert to_provider.status_code == 302
    back = client.get(to_provider.headers["location"], follow_redirects=False)
    assert back.status_code == 302, back.text
    return back.headers["location"]


@pytest.mark.parametrize("provider_name", ["github", "google", "linkedin"])
def test_login_creates_learner_with_profile(site: Site, provider_name: str) -> None:
    with browser(site.url) as client:
        response = client.get(f"/auth/{provider_name}/login")
        assert response.status_code == 200
        assert str(response.url) == f"{site.url}/"
        info = session_of(client)
        assert info["authenticated"] is True
        client.headers["x-csrf-token"] = str(info["csrf_token"])
        profile = client.get("/api/me/profile").json()
        assert profile["display_name"] == "Ada Lovelace"
        assert profile["language"] == "en"

    params = site.provider.seen_authorize_params[-1]
    assert params["state"]
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) >= 43
    if provider_name in ("google", "linkedin"):
        assert params["nonce"]
        assert "openid" in params["scope"].split()
    if provider_name == "linkedin":
        assert params["client_id"] == LINKEDIN_CLIENT_ID
        assert set(params["scope"].split()) == {"openid", "profile", "email"}


def test_second_login_finds_the_same_learner(site: Site) -> None:
    ids = []
    for _ in range(2):
        with browser(site.url) as client:
            client.get("/auth/google/login")
            ids.append(session_of(client)["user_id"])
    assert ids[0] is not None
    assert ids[0] == ids[1]


def test_same_subject_at_two_providers_is_two_learners(site: Site) -> None:
    ids = []
    for name in ("github", "google", "linkedin"):
        with browser(site.url) as client:
            client.get(f"/auth/{name}/login")
            ids.append(session_of(client)["user_id"])
    assert len(set(ids)) == 3


@pytest.mark.parametrize("provider_name", ["github", "google", "linkedin"])
def test_tampered_state_is_refused(site: Site, provider_name: str) -> None:
    with browser(site.url) as client:
        callback = redirect_to_callback(client, provider_name)
        parts = urlsplit(callback)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        query["state"] = query["state"][:-2] + ("AA" if not query["state"].endswith("AA") else "BB")
        tampered = urlunsplit(parts._replace(query=urlencode(query)))
        requests_before = site.provider.token_requests
        response = client.get(tampered)
        assert response.status_code == 400
        assert "state" in response.json()["detail"].lower()
        assert site.provider.token_requests == requests_before  # refused before any exchange
        assert session_of(client)["authenticated"] is False


def test_callback_without_a_login_started_is_refused(site: Site) -> None:
    with browser(site.url) as client:
        response = client.get("/auth/github/callback?code=abc&state=xyz")
        assert response.status_code == 400
        assert session_of(client)["authenticated"] is False


@pytest.mark.parametrize("provider_name", ["github", "google", "linkedin"])
def test_replayed_code_is_refused(site: Site, provider_name: str) -> None:
    with browser(site.url) as victim:
        callback = redirect_to_callback(victim, provider_name)
        assert victim.get(callback).status_code == 200
        assert session_of(victim)["authenticated"] is True
    used_code = parse_qs(urlsplit(callback).query)["code"][0]

    with browser(site.url) as attacker:
        fresh = redirect_to_callback(attacker, provider_name)
        query = {k: v[0] for k, v in parse_qs(urlsplit(fresh).query).items()}
        query["code"] = used_code  # fresh state of the attacker's own session, old code
        requests_before = site.provider.token_requests
        response = attacker.get(f"/auth/{provider_name}/callback?{urlencode(query)}")
        assert response.status_code == 400
        assert "invalid_grant" in response.json()["detail"]
        assert site.provider.token_requests == requests_before + 1  # the provider refused it
        assert session_of(attacker)["authenticated"] is False


@pytest.mark.parametrize(
    ("azp", "claim"),
    [(None, "'aud'"), (CLIENT_ID, "'aud'")],
    ids=["issued-to-another-client", "aud-only-wrong"],
)
def test_id_token_for_another_audience_is_refused(site: Site, azp: str | None, claim: str) -> None:
    site.provider.id_token_audience = "some-other-client"
    site.provider.id_token_azp = azp
    with browser(site.url) as client:
        response = client.get("/auth/google/login")
        assert response.status_code == 400
        assert claim in response.json()["detail"]
        assert session_of(client)["authenticated"] is False


def test_unconfigured_provider_is_404(database_url: str, dist_dir: Path) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(make_settings(database_url, dist_dir))) as client:
        response = client.get("/auth/github/login", follow_redirects=False)
        assert response.status_code == 404
        assert response.json()["detail"] == "Login with github is not configured"
        assert client.get("/auth/facebook/login").status_code == 422


def test_a_callback_waiting_on_the_database_leaves_the_server_answering(
    site: Site, database_url: str
) -> None:
    """The callback's database work runs in a thread: while it waits on a lock, static
    files and the API still answer. PostgreSQL only: there the wait can be seen in
    pg_stat_activity, so the test knows the callback is waiting before it checks."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite shows no lock wait to wait for; the code path is the same")
    engine = create_engine(database_url)
    holder = engine.connect()
    holder.begin()  # the same identity, inserted and not committed: the callback's insert waits
    user_id = holder.scalar(text(
        "INSERT INTO users (created_at, sync_seq, session_epoch) VALUES (now(), 0, :e) RETURNING id"
    ), {"e": "e" * 32})
    holder.execute(text("INSERT INTO identities (user_id, provider, subject, created_at) "
                        "VALUES (:u, 'github', :s, now())"), {"u": user_id, "s": str(site.provider.user.id)})
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> :holder"
        " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO identities%'"
    )
    holder_pid = holder.scalar(text("SELECT pg_backend_pid()"))
    learner = httpx.Client(base_url=site.url, follow_redirects=True, timeout=120)
    with learner, ThreadPoolExecutor(1) as pool:
        login = pool.submit(learner.get, "/auth/github/login")
        try:
            with engine.connect() as watcher:
                deadline = time.monotonic() + 60
                while not watcher.scalar(waiting, {"holder": holder_pid}):
                    assert time.monotonic() < deadline, "the callback never waited on the lock"
                    watcher.rollback()  # pg_stat_activity is read once per transaction
                    time.sleep(0.05)
            with httpx.Client(base_url=site.url, timeout=20) as other:
                assert other.get("/index.html").status_code == 200
                assert other.get("/healthz").status_code == 200
        finally:
            holder.rollback()
            holder.close()
        assert login.result(timeout=60).status_code == 200
        assert session_of(learner)["authenticated"] is True
    engine.dispose()
