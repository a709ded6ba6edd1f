"""A local OAuth 2 / OpenID Connect provider for the login tests, built on Authlib's
server side and served over real HTTP on loopback.

It plays GitHub (authorization code + PKCE, a ``/user`` API), Google (OpenID Connect
discovery, JWKS, RS256 ID tokens with nonce) and LinkedIn (its own client, which must
send its secret in the token request's body, ``client_secret_post``; its own issuer and
discovery under ``/linkedin``; scopes ``openid profile email``; an ID token with nonce
and LinkedIn's claims). Consent is automatic for ``provider.user``.
Knobs for attacks: ``id_token_audience`` and ``id_token_azp`` override those claims;
``id_token_nonce`` makes the ID token echo the nonce (default), omit it (as LinkedIn's
sometimes does) or carry another one.
Codes are single-use: the second exchange of a code is refused with ``invalid_grant``.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, JsonRequest
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CLIENT_ID = "tropa-test-client"
CLIENT_SECRET = "tropa-test-client-secret-0123456789"
LINKEDIN_CLIENT_ID = "tropa-test-linkedin-client"
LINKEDIN_CLIENT_SECRET = "tropa-test-linkedin-secret-0123456789"
LINKEDIN = "/linkedin"  # the LinkedIn profile's issuer path and discovery prefix


@dataclass
class TestUser:
    id: int
    login: str
    name: str
    email: str


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)
    auth_methods: tuple[str, ...] = ("client_secret_basic", "client_secret_post")
    issuer_path: str = ""  # LINKEDIN for the LinkedIn client

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return scope

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return not self.redirect_uris or redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in self.auth_methods

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: TestUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class LocalProvider(AuthorizationServer):
    """The provider's state: clients, codes, tokens, the signing key and the knobs."""

    def __init__(self) -> None:
        super().__init__(scopes_supported=["openid", "email", "profile", "read:user", "user:email"])
        self.issuer = ""  # set once the port is known
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        self.clients: dict[str, Client] = {
            CLIENT_ID: Client(CLIENT_ID, CLIENT_SECRET),
            LINKEDIN_CLIENT_ID: Client(LINKEDIN_CLIENT_ID, LINKEDIN_CLIENT_SECRET,
                                       auth_methods=("client_secret_post",), issuer_path=LINKEDIN),
        }
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, TestUser] = {}
        self.user = TestUser(id=4242, login="ada", name="Ada Lovelace", email="ada@example.org")
        self.id_token_audience: str | None = None
        self.id_token_azp: str | None = None  # default: the audience
        self.id_token_nonce: Literal["echo", "omit", "wrong"] = "echo"
        self.seen_authorize_params: list[dict[str, str]] = []
        self.token_requests = 0
        self.register_token_generator("default", BearerTokenGenerator(_random_token))
        self.register_grant(CodeGrant, [CodeChallenge(required=True), OpenIdExtension(self)])

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.tokens[token["access_token"]] = request.user

    def create_oauth2_request(self, request: Any) -> OAuth2Request:
        return request  # built by the HTTP layer below

    def create_json_request(self, request: Any) -> JsonRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=dict(headers))
        return Response(body, status_code=status, headers=dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def linkedin_metadata(self) -> dict[str, Any]:
        """LinkedIn's discovery document, in the shape LinkedIn publishes it."""
        return {
            **self.metadata(),
            "issuer": self.issuer + LINKEDIN,
            "scopes_supported": ["openid", "profile", "email"],
            "claims_supported": ["iss", "aud", "iat", "exp", "sub", "name", "given_name",
                                 "family_name", "picture", "email", "email_verified", "locale"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]  # noqa: RUF012

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        provider: LocalProvider = self.server  # type: ignore[assignment]
        data = request.payload.data
        provider.codes[code] = AuthorizationCode(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=request.payload.redirect_uri,
            scope=request.payload.scope,
            user=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=int(time.time()),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        provider: LocalProvider = self.server  # type: ignore[assignment]
        found = provider.codes.get(code)
        return found if found and found.client_id == client.get_client_id() else None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        provider: LocalProvider = self.server  # type: ignore[assignment]
        provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> TestUser:
        return authorization_code.user


class OpenIdExtension(OpenIDCode):
    def __init__(self, provider: LocalProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def get_authorization_code_claims(self, authorization_code: AuthorizationCode) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        if self.provider.id_token_nonce == "omit":
            claims.pop("nonce", None)
        elif self.provider.id_token_nonce == "wrong":
            claims["nonce"] = "a-nonce-of-another-sign-in"
        return claims

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return any(c.nonce == nonce for c in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        audience = self.provider.id_token_audience or client.get_client_id()
        return {
            "iss": self.provider.issuer + client.issuer_path,
            "aud": [audience],
            "azp": self.provider.id_token_azp or audience,
            "exp": int(time.time()) + 300,
        }

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": "test-key"}

    def generate_user_info(self, user: TestUser, scope: str) -> UserInfo:
        # A test may give a name that is not a string (a provider's bad answer): it is
        # passed on as it is, and only a string is split into given and family names.
        given, _, family = user.name.partition(" ") if isinstance(user.name, str) else ("", "", "")
        return UserInfo(sub=str(user.id), name=user.name, given_name=given, family_name=family,
                        email=user.email, email_verified=True, locale="en_US")


def _random_token(*_: Any, **__: Any) -> str:
    return secrets.token_urlsafe(24)


class HttpOAuth2Request(OAuth2Request):
    """An OAuth2Request built from an already-read Starlette request."""

    def __init__(
        self, method: str, uri: str, headers: Any, query: dict[str, str], form: dict[str, str]
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


async def _oauth_request(request: Request) -> OAuth2Request:
    form = dict(parse_qsl((await request.body()).decode()))
    return HttpOAuth2Request(
        request.method, str(request.url), request.headers, dict(request.query_params), form
    )


def build_app(provider: LocalProvider) -> Starlette:
    async def authorize(request: Request) -> Response:
        provider.seen_authorize_params.append(dict(request.query_params))
        oauth_request = await _oauth_request(request)
        grant = provider.get_consent_grant(oauth_request)  # validates client, redirect, PKCE
        return provider.create_authorization_response(oauth_request, provider.user, grant)  # type: ignore[no-any-return]

    async def token(request: Request) -> Response:
        provider.token_requests += 1
        return provider.create_token_response(await _oauth_request(request))  # type: ignore[no-any-return]

    async def user(request: Request) -> Response:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        found = provider.tokens.get(value) if scheme.lower() in ("bearer", "token") else None
        if found is None:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        return JSONResponse({"id": found.id, "login": found.login, "name": found.name, "email": found.email})

    async def discovery(_: Request) -> Response:
        return JSONResponse(provider.metadata())

    async def linkedin_discovery(_: Request) -> Response:
        return JSONResponse(provider.linkedin_metadata())

    async def jwks(_: Request) -> Response:
        return Response(
            json.dumps({"keys": [provider.key.as_dict(private=False)]}),
            media_type="application/json",
        )

    return Starlette(
        routes=[
            Route("/authorize", authorize),
            Route("/token", token, methods=["POST"]),
            Route("/user", user),
            Route("/userinfo", user),
            Route("/.well-known/openid-configuration", discovery),
            Route(f"{LINKEDIN}/.well-known/openid-configuration", linkedin_discovery),
            Route("/jwks", jwks),
        ]
    )
