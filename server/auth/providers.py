"""GitHub (OAuth 2 + PKCE), Google and LinkedIn (OpenID Connect + PKCE + nonce)
through Authlib.

Endpoints come from settings, so tests can point every provider at a local one.

**LinkedIn and the nonce.** We send a nonce to LinkedIn as to Google, but LinkedIn's ID
token does not always carry it back (https://github.com/authlib/authlib/issues/763), and
Authlib then refuses the token (``missing_claim: nonce``). For LinkedIn only, an ID token
*without* a nonce is accepted; one *with* a nonce must carry ours, exactly as for Google.
Everything else is checked as for Google: the signature against LinkedIn's keys, ``iss``,
``aud`` (our client id), ``exp``; and the token comes straight from LinkedIn's token
endpoint over TLS for a single-use code bound to our session's ``state`` and our client
secret (OpenID Connect Core 3.1.3.7), so the missing nonce leaves replay of a stolen code
as the one thing it would have stopped. LinkedIn takes its client secret in the token
request's body (``client_secret_post``), not in an Authorization header.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from authlib.oidc.core import CodeIDToken

from server.accounts import ProviderIdentity
from server.settings import Settings
from server.validation import bounded_text

PROVIDERS = ("github", "google", "linkedin")
# Providers whose identity is the OpenID Connect ID token (the others: an API call).
OPENID_PROVIDERS = {"google": "Google", "linkedin": "LinkedIn"}
# Column sizes (identities.subject, identities.email); a longer name is cut to 80 later.
MAX_SUBJECT, MAX_EMAIL, MAX_NAME = 255, 320, 1000


class LoginRefused(Exception):
    """The provider's answer cannot be trusted or used; the message says why."""


def build_oauth(settings: Settings) -> OAuth:
    """An Authlib registry holding the providers that have a client id configured."""
    oauth = OAuth()
    if settings.github_enabled:
        oauth.register(
            "github",
            client_id=settings.github_client_id,
            client_secret=settings.github_client_secret.get_secret_value(),
            authorize_url=settings.github_authorize_url,
            access_token_url=settings.github_token_url,
            api_base_url=settings.github_api_url,
            client_kwargs={"scope": "read:user user:email", "code_challenge_method": "S256"},
        )
    if settings.google_enabled:
        oauth.register(
            "google",
            client_id=settings.google_client_id,
            client_secret=settings.google_client_secret.get_secret_value(),
            server_metadata_url=settings.google_metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    if settings.linkedin_enabled:
        oauth.register(
            "linkedin",
            client_id=settings.linkedin_client_id,
            client_secret=settings.linkedin_client_secret.get_secret_value(),
            server_metadata_url=settings.linkedin_metadata_url,
            client_kwargs={
                "scope": "openid profile email",
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": "client_secret_post",
            },
        )
    return oauth


class LinkedInIDToken(CodeIDToken):  # type: ignore[misc]  # Authlib is untyped
    """LinkedIn's ID token: a nonce, when it carries one, must be ours; none at all is
    accepted (see the module's docstring for why)."""

    def validate_nonce(self) -> None:
        if "nonce" in self:
            super().validate_nonce()


async def id_token_checks(name: str, client: StarletteOAuth2App) -> dict[str, Any]:
    """Claims options for Authlib's ID token validation. Authlib checks ``iss`` and
    ``azp`` by default but not that ``aud`` names us, so we require it here."""
    if name not in OPENID_PROVIDERS:
        return {}
    metadata = await client.load_server_metadata()
    checks: dict[str, Any] = {
        "claims_options": {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client.client_id},
        }
    }
    if name == "linkedin":
        checks["claims_cls"] = LinkedInIDToken
    return checks


async def identity_from_token(
    name: str, client: StarletteOAuth2App, token: dict[str, Any]
) -> ProviderIdentity:
    """Turn a provider's token response into the identity we store."""
    if name in OPENID_PROVIDERS:
        # Authlib has already checked the id_token's signature, iss, aud, exp and nonce.
        claims = token.get("userinfo")
        if not claims or not bounded_text(claims.get("sub"), MAX_SUBJECT):
            raise LoginRefused(f"{OPENID_PROVIDERS[name]} answered without a valid ID token")
        return ProviderIdentity(
            provider=name,
            subject=str(claims["sub"]),
            email=bounded_text(claims.get("email"), MAX_EMAIL) if claims.get("email_verified") else None,
            name=bounded_text(claims.get("name"), MAX_NAME),
        )
    response = await client.get("user", token=token)
    if response.status_code != 200:
        raise LoginRefused(f"GitHub user API answered {response.status_code}")
    data = response.json()
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise LoginRefused("GitHub user API answered without a user id")
    return ProviderIdentity(
        provider="github",
        subject=str(data["id"]),
        email=bounded_text(data.get("email"), MAX_EMAIL),
        name=bounded_text(data.get("name"), MAX_NAME) or bounded_text(data.get("login"), MAX_NAME),
    )
