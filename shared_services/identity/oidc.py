"""The platform as an OpenID Connect client of Keycloak: authorization code flow with PKCE (authlib),
ID tokens checked against the provider's published keys (joserfc).

Everything about the provider is read from its discovery document, so the same code talks to a real
Keycloak 26 and to the development provider (`infra/devservices/devidp`).
"""

import secrets
import threading
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

DISCOVERY_TTL_SECONDS = 3600
# A few seconds of clock difference between Keycloak and us must not refuse a fresh token.
CLOCK_LEEWAY_SECONDS = 30


class ProviderUnavailable(Exception):
    """Keycloak did not answer, or answered with a server error: try again later."""


class TokenRejected(Exception):
    """A token or grant that must not be accepted (bad signature, wrong issuer or audience, expired…)."""


@dataclass(frozen=True)
class Tokens:
    claims: dict  # of the checked ID token
    id_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    refresh_expires_in: int  # seconds the refresh token (Keycloak's session, idle) lives


def issuer() -> str:
    return f"{settings.KEYCLOAK_SERVER_URL.rstrip('/')}/realms/{settings.KEYCLOAK_REALM}"


_cache_lock = threading.Lock()
_discovery: dict[str, tuple[float, dict]] = {}
_keys: dict[str, KeySet] = {}


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.KEYCLOAK_TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from error
    if response.status_code != 200:  # a 4xx here is a misconfiguration (realm, URL): no sign-in works either way
        raise ProviderUnavailable(f"{url}: HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as error:
        raise ProviderUnavailable(f"{url}: not JSON") from error


def provider() -> dict:
    """The provider's discovery document, kept for an hour."""
    url = f"{issuer()}/.well-known/openid-configuration"
    with _cache_lock:
        cached = _discovery.get(url)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    document = _get_json(url)
    if document.get("issuer") != issuer():
        raise ProviderUnavailable(f"the discovery document names issuer {document.get('issuer')!r}, not {issuer()!r}")
    with _cache_lock:
        _discovery[url] = (time.monotonic() + DISCOVERY_TTL_SECONDS, document)
    return document


def _key_set(kid: str | None) -> KeySet:
    """The provider's signing keys; fetched again when a token names a key we have not seen (rotation)."""
    jwks_uri = provider()["jwks_uri"]
    with _cache_lock:
        keys = _keys.get(jwks_uri)
    if keys is None or (kid and all(key.kid != kid for key in keys)):
        keys = KeySet.import_key_set(_get_json(jwks_uri))
        with _cache_lock:
            _keys[jwks_uri] = keys
    return keys


def _session(**kwargs) -> OAuth2Session:
    return OAuth2Session(
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
        timeout=settings.KEYCLOAK_TIMEOUT_SECONDS,
        **kwargs,
    )


@dataclass(frozen=True)
class Authorization:
    url: str
    state: str
    nonce: str
    code_verifier: str


def authorization_start(*, redirect_uri: str, scope: str, prompt: str | None = None) -> Authorization:
    state, nonce, code_verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    extra = {"prompt": prompt} if prompt else {}
    url, _state = _session(scope=scope, redirect_uri=redirect_uri).create_authorization_url(
        provider()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=code_verifier, **extra
    )
    return Authorization(url=url, state=state, nonce=nonce, code_verifier=code_verifier)


def code_exchange(*, code: str, code_verifier: str, redirect_uri: str, nonce: str) -> Tokens:
    return _tokens(
        lambda session: session.fetch_token(
            provider()["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            redirect_uri=redirect_uri,
        ),
        nonce=nonce,
    )


def tokens_refresh(refresh_token: str) -> Tokens:
    """New tokens, with claims as they are now (roles, memberships); TokenRejected once the Keycloak session
    has ended or the account is disabled."""
    return _tokens(
        lambda session: session.refresh_token(provider()["token_endpoint"], refresh_token=refresh_token), nonce=None
    )


def _tokens(grant, *, nonce: str | None) -> Tokens:
    try:
        response = grant(_session())
    except OAuthError as error:
        raise TokenRejected(f"{error.error}: {error.description}") from error
    except requests.RequestException as error:
        raise ProviderUnavailable(str(error)) from error
    if "id_token" not in response:
        raise TokenRejected("the token response carries no ID token")
    claims = id_token_check(response["id_token"], nonce=nonce)
    return Tokens(
        claims=claims,
        id_token=response["id_token"],
        refresh_token=response.get("refresh_token", ""),
        expires_in=int(response.get("expires_in", 300)),
        refresh_expires_in=int(response.get("refresh_expires_in") or 1800),
    )


def id_token_check(id_token: str, *, nonce: str | None) -> dict:
    """The ID token's claims if it is signed with RS256 by the provider's key, issued by our realm for our
    client, current, and (at sign-in) carries our nonce; TokenRejected otherwise."""
    try:
        header = jws.extract_compact(id_token.encode()).protected
        token = jwt.decode(id_token, _key_set(header.get("kid")), algorithms=["RS256"])
        options = {
            "iss": {"essential": True, "value": issuer()},
            "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(leeway=CLOCK_LEEWAY_SECONDS, **options).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise TokenRejected(f"ID token refused: {error}") from error
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # With several audiences, the token must have been issued to us (OIDC Core 3.1.3.7, points 4–5).
    if len(audiences) > 1 and claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise TokenRejected("ID token refused: issued to another party (azp)")
    return claims


def end_session_url(*, id_token: str, post_logout_redirect_uri: str, state: str) -> str:
    """Keycloak's RP-initiated logout: ends the Keycloak session, then comes back to us."""
    request = requests.Request(
        "GET",
        provider()["end_session_endpoint"],
        params={
            "id_token_hint": id_token,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": state,
            "client_id": settings.OIDC_CLIENT_ID,
        },
    )
    return request.prepare().url
