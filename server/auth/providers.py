"""GitHub (OAuth 2 + PKCE) and Google (OpenID Connect + PKCE + nonce) through Authlib.

Endpoints come from settings, so tests can point both providers at a local one.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App

from server.accounts import ProviderIdentity
from server.settings import Settings
from server.validation import bounded_text

PROVIDERS = ("github", "google")
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
    return oauth


async def id_token_checks(name: str, client: StarletteOAuth2App) -> dict[str, Any]:
    """Claims options for Authlib's ID token validation. Authlib checks ``iss`` and
    ``azp`` by default but not that ``aud`` names us, so we require it here."""
    if name != "google":
        return {}
    metadata = await client.load_server_metadata()
    return {
        "claims_options": {
            "iss": {"essential": True, "value": metadata["issuer"]},
            "aud": {"essential": True, "value": client.client_id},
        }
    }


async def identity_from_token(
    name: str, client: StarletteOAuth2App, token: dict[str, Any]
) -> ProviderIdentity:
    """Turn a provider's token response into the identity we store."""
    if name == "google":
        # Authlib has already checked the id_token's signature, iss, aud, exp and nonce.
        claims = token.get("userinfo")
        if not claims or not bounded_text(claims.get("sub"), MAX_SUBJECT):
            raise LoginRefused("Google answered without a valid ID token")
        return ProviderIdentity(
            provider="google",
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
