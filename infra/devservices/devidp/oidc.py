"""OIDC side of the development identity provider, speaking Keycloak 26's realm endpoints.

Hand-written because no Python library provides a Keycloak-compatible OpenID Provider: the platform's
clients (authlib, python-keycloak, joserfc) must see Keycloak's exact paths, parameters, claims and error
bodies. Claims are produced by interpreting the protocol mappers of the realm export (client scopes and
client mappers), so changing infra/keycloak/realm-ratusz.json changes the tokens as it would in Keycloak.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from urllib.parse import parse_qsl, quote, unquote_plus, urlencode, urlsplit, urlunsplit

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from . import pages
from .http import Request, Response, empty, html_response, json_response, oauth_error, redirect
from .store import check_password, new_id, now

ACCESS_LIFESPAN = 300
CODE_LIFESPAN = 60
PKCE_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
COOKIE = "KEYCLOAK_IDENTITY"


# --------------------------------------------------------------------------- signing
class Signer:
    def __init__(self, store, issuer: str):
        self.store = store
        self.issuer = issuer

    def sign(self, claims: dict, key=None, headers=None) -> str:
        key = key or self.store.rsa_key
        header = {"alg": "RS256", "typ": "JWT", "kid": key.kid}
        header.update(headers or {})
        return jwt.encode(header, claims, key, algorithms=[header["alg"]])

    def sign_refresh(self, claims: dict) -> str:
        # Keycloak signs refresh tokens with the realm's HMAC key (HS512); clients treat them as opaque.
        return jwt.encode(
            {"alg": "HS512", "typ": "JWT", "kid": "hmac"}, claims, self.store.hmac_key, algorithms=["HS512"]
        )

    def verify(self, token: str, typ: str | None = "Bearer") -> dict | None:
        """Claims of a valid, unexpired RS256 token of this realm, or None."""
        try:
            t = jwt.decode(token, KeySet([self.store.rsa_key]), algorithms=["RS256"])
        except (JoseError, ValueError, TypeError):
            return None
        c = t.claims
        if c.get("iss") != self.issuer or not isinstance(c.get("exp"), int) or c["exp"] <= now():
            return None
        if typ and c.get("typ") != typ:
            return None
        return c

    def verify_refresh(self, token: str) -> tuple[dict | None, str | None]:
        try:
            t = jwt.decode(token, self.store.hmac_key, algorithms=["HS512"])
        except (JoseError, ValueError, TypeError):
            return None, "Invalid refresh token"
        c = t.claims
        if c.get("typ") not in ("Refresh", "Offline") or c.get("iss") != self.issuer:
            return None, "Invalid refresh token"
        if not isinstance(c.get("exp"), int) or c["exp"] <= now():
            return None, "Token is not active"
        return c, None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def at_hash(access_token: str) -> str:
    return _b64(hashlib.sha256(access_token.encode()).digest()[:16])


# --------------------------------------------------------------------------- redirect URIs
def matches_redirect(candidate: str, allowed: list[str], root_url: str = "") -> bool:
    """Keycloak's RedirectUtils rule: exact match, or a trailing '*' wildcard (query ignored, path prefix)."""
    if not candidate:
        return False
    for valid in allowed:
        if valid.startswith("/") and root_url:
            valid = root_url.rstrip("/") + valid
        if valid.endswith("*") and "?" not in valid:
            r = candidate.split("?", 1)[0]
            prefix = valid[:-1]
            if r.startswith(prefix):
                return True
            if len(prefix) > 1 and prefix.endswith("/") and prefix[:-1] == r:
                return True
        elif valid == candidate:
            return True
    return False


def post_logout_uris(client: dict) -> list[str]:
    raw = client.get("attributes", {}).get("post.logout.redirect.uris", "")
    uris = [u for u in raw.split("##") if u]
    if "+" in uris:  # "+" means: the client's redirect URIs
        uris = [u for u in uris if u != "+"] + list(client.get("redirectUris", []))
    return uris


def add_params(uri: str, params: list[tuple[str, str]]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [(k, v) for k, v in params if v is not None]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), parts.fragment))


# --------------------------------------------------------------------------- claims
def _set_nested(claims: dict, name: str, value) -> None:
    parts = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", name)]
    node = claims
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def _flag(mapper: dict, kind: str) -> bool:
    key = {
        "access": "access.token.claim",
        "id": "id.token.claim",
        "userinfo": "userinfo.token.claim",
        "introspection": "introspection.token.claim",
    }[kind]
    return mapper.get("config", {}).get(key) == "true"


class Claims:
    """Builds token claims from the protocol mappers of the client and of its client scopes."""

    def __init__(self, store):
        self.store = store

    def valid_scope(self, client: dict, scope: str) -> bool:
        allowed = set(client.get("defaultClientScopes", [])) | set(client.get("optionalClientScopes", []))
        for s in scope.split():
            if s == "openid" or s in allowed:
                continue
            if s.startswith("organization:") and "organization" in allowed:
                continue
            return False
        return True

    def scopes(self, client: dict, requested: str) -> list[dict]:
        req = set((requested or "").split())
        req |= {"organization"} if any(s.startswith("organization:") for s in req) else set()
        names = list(client.get("defaultClientScopes", [])) + [
            n for n in client.get("optionalClientScopes", []) if n in req
        ]
        return [s for s in (self.store.scope_by_name(n) for n in names) if s]

    def scope_string(self, client: dict, requested: str) -> str:
        req = (requested or "").split()
        names = ["openid"] if "openid" in req else []
        for s in self.scopes(client, requested):
            if s.get("attributes", {}).get("include.in.token.scope", "true") != "false":
                names.append(s["name"])
        names += [s for s in req if s.startswith("organization:")]
        return " ".join(dict.fromkeys(names))

    def _user_value(self, user: dict, attr: str):
        if attr in ("username", "email", "firstName", "lastName"):
            return user.get(attr)
        if attr == "emailVerified":
            return bool(user.get("emailVerified"))
        values = user.get("attributes", {}).get(attr)
        return values

    def mapped(
        self, kind: str, client: dict, user: dict, session: dict | None, requested: str, acr: str = "1"
    ) -> tuple[dict, list[str]]:
        store = self.store
        claims: dict = {}
        audience: list[str] = []
        mappers = [m for s in self.scopes(client, requested) for m in s.get("protocolMappers", [])]
        mappers += client.get("protocolMappers", [])
        eff = store.effective_roles(user)
        for m in mappers:
            if not _flag(m, kind):
                continue
            cfg = m.get("config", {})
            typ = m.get("protocolMapper")
            name = cfg.get("claim.name", "")
            if typ in ("oidc-usermodel-attribute-mapper", "oidc-usermodel-property-mapper"):
                value = self._user_value(user, cfg.get("user.attribute", ""))
                if isinstance(value, list):
                    if not value:
                        continue
                    value = value if cfg.get("multivalued") == "true" else value[0]
                if value is None or value == "":
                    continue
                if cfg.get("jsonType.label") == "boolean" and not isinstance(value, bool):
                    value = str(value).lower() == "true"
                _set_nested(claims, name, value)
            elif typ == "oidc-full-name-mapper":
                full = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
                if full:
                    claims["name"] = full
            elif typ == "oidc-usermodel-realm-role-mapper":
                roles = sorted(store.d["roles"][r]["name"] for r in eff if not store.d["roles"][r]["clientRole"])
                if roles:
                    _set_nested(claims, name, roles)
            elif typ == "oidc-usermodel-client-role-mapper":
                by_client: dict[str, list[str]] = {}
                for r in eff:
                    role = store.d["roles"][r]
                    if role["clientRole"]:
                        c = store.d["clients"].get(role["containerId"])
                        if c:
                            by_client.setdefault(c["clientId"], []).append(role["name"])
                for client_id, roles in sorted(by_client.items()):
                    _set_nested(claims, name.replace("${client_id}", client_id), sorted(roles))
            elif typ == "oidc-audience-resolve-mapper":
                for r in eff:
                    role = store.d["roles"][r]
                    c = store.d["clients"].get(role["containerId"]) if role["clientRole"] else None
                    if c and c["clientId"] != client["clientId"] and c["clientId"] not in audience:
                        audience.append(c["clientId"])
            elif typ == "oidc-audience-mapper":
                aud = cfg.get("included.client.audience") or cfg.get("included.custom.audience")
                if aud and aud not in audience:
                    audience.append(aud)
            elif typ == "oidc-allowed-origins-mapper":
                origins = self.web_origins(client)
                if origins:
                    claims["allowed-origins"] = origins
            elif typ == "oidc-acr-mapper":
                claims["acr"] = acr
            elif typ == "oidc-sub-mapper":
                claims["sub"] = user["id"]
            elif typ == "oidc-usersessionmodel-note-mapper":
                if cfg.get("user.session.note") == "AUTH_TIME" and session:
                    _set_nested(claims, name, session["auth_time"])
            elif typ == "oidc-group-membership-mapper":
                full = cfg.get("full.path", "true") == "true"
                groups = [
                    store.group_path(store.d["groups"][g]) if full else store.d["groups"][g]["name"]
                    for g in user["_groups"]
                    if g in store.d["groups"]
                ]
                _set_nested(claims, name or "groups", sorted(groups))
            elif typ == "oidc-organization-membership-mapper":
                value = self.organization_claim(user, requested, cfg)
                if value:
                    _set_nested(claims, name or "organization", value)
        return claims, audience

    def organization_claim(self, user: dict, requested: str, cfg: dict) -> dict:
        # Keycloak's OrganizationMembershipMapper skips organizations that are disabled
        # (`if (organization == null || !organization.isEnabled()) return;` in the source read for this
        # server); only enabled organizations the user is a member of are put into the claim.
        # `organization:<alias>` narrows the claim to that organization, `organization:*` or plain
        # `organization` gives all of them.
        wanted = {s.split(":", 1)[1] for s in (requested or "").split() if s.startswith("organization:")}
        out = {}
        for org in self.store.user_orgs(user["id"]):
            if not org["enabled"]:
                continue
            if wanted and "*" not in wanted and org["alias"] not in wanted:
                continue
            entry: dict = {}
            if cfg.get("addOrganizationId") == "true":
                entry["id"] = org["id"]
            if cfg.get("addOrganizationAttributes") == "true":
                entry.update(org.get("attributes") or {})
            out[org["alias"]] = entry
        return out

    def web_origins(self, client: dict) -> list[str]:
        origins = []
        for o in client.get("webOrigins", []):
            if o == "+":
                for uri in client.get("redirectUris", []):
                    p = urlsplit(uri)
                    if p.scheme and p.netloc:
                        origins.append(f"{p.scheme}://{p.netloc}")
            else:
                origins.append(o)
        return list(dict.fromkeys(origins))


# --------------------------------------------------------------------------- endpoints
class OIDC:
    def __init__(self, store, base_url_getter):
        self.store = store
        self._base = base_url_getter
        self.claims = Claims(store)

    @property
    def base_url(self) -> str:
        return self._base()

    @property
    def issuer(self) -> str:
        return f"{self.base_url}realms/{self.store.realm_name}"

    @property
    def signer(self) -> Signer:
        return Signer(self.store, self.issuer)

    def endpoint(self, name: str) -> str:
        return f"{self.issuer}/protocol/openid-connect/{name}"

    # ------------------------------------------------------------------ discovery, keys
    def discovery(self, req: Request) -> Response:
        iss = self.issuer
        return json_response(
            200,
            {
                "issuer": iss,
                "authorization_endpoint": self.endpoint("auth"),
                "token_endpoint": self.endpoint("token"),
                "introspection_endpoint": self.endpoint("token/introspect"),
                "userinfo_endpoint": self.endpoint("userinfo"),
                "end_session_endpoint": self.endpoint("logout"),
                "frontchannel_logout_session_supported": True,
                "frontchannel_logout_supported": True,
                "jwks_uri": self.endpoint("certs"),
                "check_session_iframe": self.endpoint("login-status-iframe.html"),
                "grant_types_supported": [
                    "authorization_code",
                    "client_credentials",
                    "implicit",
                    "password",
                    "refresh_token",
                    "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                    "urn:ietf:params:oauth:grant-type:uma-ticket",
                    "urn:openid:params:grant-type:ciba",
                ],
                "acr_values_supported": ["0", "1"],
                "response_types_supported": [
                    "code",
                    "none",
                    "id_token",
                    "token",
                    "id_token token",
                    "code id_token",
                    "code token",
                    "code id_token token",
                ],
                "subject_types_supported": ["public", "pairwise"],
                "prompt_values_supported": ["none", "login", "consent"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "userinfo_signing_alg_values_supported": ["RS256", "none"],
                "request_object_signing_alg_values_supported": ["RS256", "none"],
                "response_modes_supported": [
                    "query",
                    "fragment",
                    "form_post",
                    "query.jwt",
                    "fragment.jwt",
                    "form_post.jwt",
                    "jwt",
                ],
                "registration_endpoint": f"{iss}/clients-registrations/openid-connect",
                "token_endpoint_auth_methods_supported": [
                    "private_key_jwt",
                    "client_secret_basic",
                    "client_secret_post",
                    "tls_client_auth",
                    "client_secret_jwt",
                ],
                "token_endpoint_auth_signing_alg_values_supported": ["RS256", "HS256", "HS512"],
                "introspection_endpoint_auth_methods_supported": [
                    "private_key_jwt",
                    "client_secret_basic",
                    "client_secret_post",
                    "tls_client_auth",
                    "client_secret_jwt",
                ],
                "claims_supported": [
                    "aud",
                    "sub",
                    "iss",
                    "auth_time",
                    "name",
                    "given_name",
                    "family_name",
                    "preferred_username",
                    "email",
                    "acr",
                    "organization",
                    "groups",
                    "pesel",
                ],
                "claim_types_supported": ["normal"],
                "claims_parameter_supported": True,
                "scopes_supported": ["openid"] + sorted(s["name"] for s in self.store.d["client_scopes"].values()),
                "request_parameter_supported": True,
                "request_uri_parameter_supported": True,
                "require_request_uri_registration": True,
                "code_challenge_methods_supported": ["plain", "S256"],
                "tls_client_certificate_bound_access_tokens": True,
                "revocation_endpoint": self.endpoint("revoke"),
                "backchannel_logout_supported": True,
                "backchannel_logout_session_supported": True,
                "device_authorization_endpoint": self.endpoint("auth/device"),
                "authorization_response_iss_parameter_supported": True,
            },
        )

    def certs(self, req: Request) -> Response:
        key = self.store.rsa_key.as_dict(private=False)
        key.update({"use": "sig", "alg": "RS256", "kid": self.store.rsa_key.kid})
        return json_response(200, {"keys": [key]})

    # ------------------------------------------------------------------ authorization endpoint
    def _auth_error_redirect(self, redirect_uri: str, error: str, description: str, state: str | None) -> Response:
        params = [("error", error), ("error_description", description)]
        if state:
            params.append(("state", state))
        params.append(("iss", self.issuer))
        return redirect(add_params(redirect_uri, params))

    def auth(self, req: Request) -> Response:
        p = {k: v[0] for k, v in req.query.items()}
        with self.store.lock:
            client = self.store.client_by_client_id(p.get("client_id", ""))
            if client is None:
                return html_response(400, pages.error_page("Client not found."))
            if not client.get("enabled", True):
                return html_response(400, pages.error_page("Client disabled."))
            redirect_uri = p.get("redirect_uri")
            if not redirect_uri or not matches_redirect(
                redirect_uri, client.get("redirectUris", []), client.get("rootUrl", "")
            ):
                return html_response(400, pages.error_page("Invalid parameter: redirect_uri"))
            state = p.get("state")
            response_type = p.get("response_type")
            if not response_type:
                return self._auth_error_redirect(
                    redirect_uri, "invalid_request", "Missing parameter: response_type", state
                )
            if response_type != "code":
                return self._auth_error_redirect(
                    redirect_uri,
                    "unsupported_response_type",
                    "Client is not allowed to initiate browser login with given "
                    "response_type. Implicit flow is disabled for the client.",
                    state,
                )
            if not client.get("standardFlowEnabled", True):
                return self._auth_error_redirect(
                    redirect_uri,
                    "unauthorized_client",
                    "Client is not allowed to initiate browser login with given "
                    "response_type. Standard flow is disabled for the client.",
                    state,
                )
            scope = p.get("scope", "")
            if not self.claims.valid_scope(client, scope):
                return self._auth_error_redirect(redirect_uri, "invalid_scope", f"Invalid scopes: {scope}", state)
            challenge, method = p.get("code_challenge"), p.get("code_challenge_method")
            required = client.get("attributes", {}).get("pkce.code.challenge.method")
            if required:
                if not method:
                    return self._auth_error_redirect(
                        redirect_uri, "invalid_request", "Missing parameter: code_challenge_method", state
                    )
                if method != required:
                    return self._auth_error_redirect(
                        redirect_uri,
                        "invalid_request",
                        "Invalid parameter: code challenge method is not matching the configured one",
                        state,
                    )
            if challenge is not None or method is not None or required:
                method = method or "plain"
                if method not in ("plain", "S256"):
                    return self._auth_error_redirect(
                        redirect_uri, "invalid_request", "Invalid parameter: code_challenge_method", state
                    )
                if not challenge:
                    return self._auth_error_redirect(
                        redirect_uri, "invalid_request", "Missing parameter: code_challenge", state
                    )
                if not PKCE_VERIFIER.match(challenge):
                    return self._auth_error_redirect(
                        redirect_uri, "invalid_request", "Invalid parameter: code_challenge", state
                    )
            pending = {
                "client_id": client["clientId"],
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": p.get("nonce"),
                "scope": scope,
                "code_challenge": challenge,
                "code_challenge_method": method if challenge else None,
                "response_mode": p.get("response_mode", "query"),
                "created": now(),
            }
            prompt = set((p.get("prompt") or "").split())
            session = self.store.session_by_cookie(req.cookies.get(COOKIE))
            if session is not None and "login" not in prompt and p.get("max_age") != "0":
                user = self.store.d["users"].get(session["userId"])
                if user and user.get("enabled"):
                    return self._complete(pending, session, acr="0")
            if "none" in prompt:
                return self._auth_error_redirect(redirect_uri, "login_required", "Login required", state)
            tab_id = secrets.token_urlsafe(12)
            self.store.auth_sessions[tab_id] = pending
            return self._login_form(client["clientId"], tab_id, username=p.get("login_hint", ""))

    def _login_form(self, client_id: str, tab_id: str, *, username: str, error: str | None = None) -> Response:
        action = f"{self.issuer}/login-actions/authenticate?" + urlencode({"client_id": client_id, "tab_id": tab_id})
        realm_display = self.store.d["realm"].get("displayName") or self.store.realm_name
        return html_response(
            200, pages.login_page(action=action, realm_display=realm_display, username=username, error=error)
        )

    def authenticate(self, req: Request) -> Response:
        tab_id = req.q("tab_id", "")
        form = req.form()
        with self.store.lock:
            pending = self.store.auth_sessions.get(tab_id)
            if (
                pending is None
                or pending["created"] + int(self.store.d["realm"].get("accessCodeLifespanLogin", 1800)) < now()
            ):
                return html_response(
                    400,
                    pages.error_page("Strona logowania wygasła. Zaloguj się ponownie. (Your login attempt timed out.)"),
                )
            username = form.get("username", "").strip()
            user = self.store.user_by_username(username)
            if user is None and self.store.d["realm"].get("loginWithEmailAllowed", True):
                user = self.store.user_by_email(username)
            if (
                user is None
                or user.get("_service_account_client")
                or not check_password(user.get("_password"), form.get("password", ""))
            ):
                return self._login_form(
                    pending["client_id"],
                    tab_id,
                    username=username,
                    error="Nieprawidłowa nazwa użytkownika lub hasło. (Invalid username or password.)",
                )
            if not user.get("enabled"):
                return self._login_form(
                    pending["client_id"],
                    tab_id,
                    username=username,
                    error="Konto jest wyłączone, skontaktuj się z administratorem. "
                    "(Account is disabled, contact your administrator.)",
                )
            del self.store.auth_sessions[tab_id]
            session = self.store.new_session(user["id"])
            self.store.save()
            resp = self._complete(pending, session, acr="1")
            resp.headers.append(
                (
                    "Set-Cookie",
                    f"{COOKIE}={session['cookie']}; Version=1; Path=/realms/"
                    f"{self.store.realm_name}/; HttpOnly; SameSite=Lax",
                )
            )
            return resp

    def _complete(self, pending: dict, session: dict, acr: str) -> Response:
        code = f"{secrets.token_urlsafe(24)}.{session['id']}.{pending['client_id']}"
        self.store.codes[code] = dict(
            pending, sid=session["id"], user_id=session["userId"], exp=now() + CODE_LIFESPAN, used=False, acr=acr
        )
        if pending["client_id"] not in session["clients"]:
            session["clients"].append(pending["client_id"])
        session["lastAccess"] = now()
        params = [("state", pending["state"]), ("session_state", session["id"]), ("iss", self.issuer), ("code", code)]
        params = [(k, v) for k, v in params if v is not None]
        if pending.get("response_mode") == "fragment":
            return redirect(pending["redirect_uri"] + "#" + urlencode(params, quote_via=quote))
        return redirect(add_params(pending["redirect_uri"], params))

    # ------------------------------------------------------------------ client authentication
    def authenticate_client(self, req: Request, form: dict) -> tuple[dict | None, Response | None]:
        auth = req.headers.get("authorization", "")
        client_id, secret = form.get("client_id") or None, form.get("client_secret") or None
        if auth[:6].lower() == "basic ":
            try:
                raw = base64.b64decode(auth[6:].strip()).decode()
                cid, _, sec = raw.partition(":")
                client_id, secret = unquote_plus(cid), unquote_plus(sec)
            except Exception:
                return None, oauth_error(400, "invalid_request", "Invalid Authorization header")
        if not client_id:
            return None, oauth_error(400, "invalid_client", "Missing parameter: client_id")
        client = self.store.client_by_client_id(client_id)
        if client is None or not client.get("enabled", True) or client.get("bearerOnly"):
            return None, oauth_error(401, "unauthorized_client", "Invalid client or Invalid client credentials")
        if client.get("publicClient"):
            return client, None
        if not secret:
            return None, oauth_error(401, "unauthorized_client", "Invalid client or Invalid client credentials")
        if not hmac.compare_digest(secret, client.get("secret", "")):
            return None, oauth_error(401, "unauthorized_client", "Invalid client or Invalid client credentials")
        return client, None

    # ------------------------------------------------------------------ token endpoint
    def token(self, req: Request) -> Response:
        form = req.form()
        with self.store.lock:
            grant = form.get("grant_type")
            if not grant:
                return oauth_error(400, "invalid_request", "Missing form parameter: grant_type")
            client, err = self.authenticate_client(req, form)
            if err:
                return err
            if grant == "authorization_code":
                resp = self._grant_code(client, form)
            elif grant == "refresh_token":
                resp = self._grant_refresh(client, form)
            elif grant == "client_credentials":
                resp = self._grant_client_credentials(client, form)
            elif grant == "password":
                resp = self._grant_password(client, form)
            else:
                return oauth_error(400, "unsupported_grant_type", "Unsupported grant_type")
            self.store.save()
            return resp

    def _grant_code(self, client: dict, form: dict) -> Response:
        code = form.get("code")
        if not code:
            return oauth_error(400, "invalid_request", "Missing parameter: code")
        if not client.get("standardFlowEnabled", True):
            return oauth_error(400, "unauthorized_client", "Client not allowed to exchange code")
        data = self.store.codes.get(code)
        if data is None:
            return oauth_error(400, "invalid_grant", "Code not valid")
        if data["used"]:
            # Keycloak: reusing a code invalidates the client session created with it.
            s = self.store.session(data["sid"])
            if s and data["client_id"] in s["clients"]:
                s["clients"].remove(data["client_id"])
            return oauth_error(400, "invalid_grant", "Code not valid")
        data["used"] = True
        if data["exp"] < now():
            return oauth_error(400, "invalid_grant", "Code is expired")
        if data["client_id"] != client["clientId"]:
            return oauth_error(400, "invalid_grant", "Auth error")
        if form.get("redirect_uri") != data["redirect_uri"]:
            return oauth_error(400, "invalid_grant", "Incorrect redirect_uri")
        if data["code_challenge"]:
            verifier = form.get("code_verifier")
            if not verifier:
                return oauth_error(400, "invalid_grant", "PKCE code verifier not specified")
            if not PKCE_VERIFIER.match(verifier):
                return oauth_error(400, "invalid_grant", "PKCE invalid code verifier")
            computed = (
                _b64(hashlib.sha256(verifier.encode("ascii")).digest())
                if data["code_challenge_method"] == "S256"
                else verifier
            )
            if not hmac.compare_digest(computed, data["code_challenge"]):
                return oauth_error(400, "invalid_grant", "PKCE verification failed: Code mismatch")
        session = self.store.session(data["sid"])
        if session is None or client["clientId"] not in session["clients"]:
            return oauth_error(400, "invalid_grant", "Session not active")
        user = self.store.d["users"].get(data["user_id"])
        if user is None or not user.get("enabled"):
            return oauth_error(400, "invalid_grant", "User disabled")
        return json_response(
            200, self.issue(client, user, session, data["scope"], nonce=data["nonce"], acr=data["acr"])
        )

    def _grant_refresh(self, client: dict, form: dict) -> Response:
        token = form.get("refresh_token")
        if not token:
            return oauth_error(400, "invalid_request", "Missing parameter: refresh_token")
        claims, problem = self.signer.verify_refresh(token)
        if claims is None:
            return oauth_error(400, "invalid_grant", problem)
        if claims.get("azp") != client["clientId"]:
            return oauth_error(
                400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match"
            )
        user = self.store.d["users"].get(claims.get("sub", ""))
        if user is None:
            return oauth_error(400, "invalid_grant", "Session not active")
        if not user.get("enabled"):
            return oauth_error(400, "invalid_grant", "User disabled")
        session = self.store.session(claims.get("sid"))
        if session is None or session["userId"] != user["id"] or client["clientId"] not in session["clients"]:
            return oauth_error(400, "invalid_grant", "Session not active")
        if claims.get("iat", 0) < user.get("_not_before", 0):
            return oauth_error(400, "invalid_grant", "Stale token")
        scope = claims.get("scope", "")
        requested = form.get("scope")
        if requested:
            if not set(requested.split()) <= set(scope.split()):
                return oauth_error(400, "invalid_scope", "Invalid scopes: " + requested)
            scope = requested
        session["lastAccess"] = now()
        return json_response(
            200, self.issue(client, user, session, scope, nonce=claims.get("nonce"), acr="0", refresh_scope=scope)
        )

    def _grant_client_credentials(self, client: dict, form: dict) -> Response:
        if client.get("publicClient"):
            return oauth_error(401, "unauthorized_client", "Public client not allowed to retrieve service account")
        if not client.get("serviceAccountsEnabled"):
            return oauth_error(401, "unauthorized_client", "Client not enabled to retrieve service account")
        user = self.store.service_account_user(client["id"])
        if user is None or not user.get("enabled"):
            return oauth_error(400, "invalid_request", f"User '{(user or {}).get('username')}' disabled")
        scope = form.get("scope", "")
        if scope and not self.claims.valid_scope(client, scope):
            return oauth_error(400, "invalid_scope", "Invalid scopes: " + scope)
        return json_response(200, self.issue(client, user, None, scope, service_account=True))

    def _grant_password(self, client: dict, form: dict) -> Response:
        if not client.get("directAccessGrantsEnabled"):
            return oauth_error(400, "unauthorized_client", "Client not allowed for direct access grants")
        user = self.store.user_by_username(form.get("username", "")) or self.store.user_by_email(
            form.get("username", "")
        )
        if user is None or not check_password(user.get("_password"), form.get("password", "")):
            return oauth_error(401, "invalid_grant", "Invalid user credentials")
        if not user.get("enabled"):
            return oauth_error(400, "invalid_grant", "Account disabled")
        session = self.store.new_session(user["id"])
        session["clients"].append(client["clientId"])
        return json_response(200, self.issue(client, user, session, form.get("scope", ""), acr="1"))

    # ------------------------------------------------------------------ issuing
    def issue(
        self,
        client: dict,
        user: dict,
        session: dict | None,
        scope: str,
        *,
        nonce=None,
        acr="1",
        service_account=False,
        refresh_scope=None,
    ) -> dict:
        t = now()
        exp = t + int(self.store.d["realm"].get("accessTokenLifespan", ACCESS_LIFESPAN))
        scope_str = self.claims.scope_string(client, scope)
        mapped, audience = self.claims.mapped("access", client, user, session, scope, acr)
        access = {"exp": exp, "iat": t, "jti": new_id(), "iss": self.issuer}
        if audience:
            access["aud"] = audience[0] if len(audience) == 1 else audience
        access.update({"sub": user["id"], "typ": "Bearer", "azp": client["clientId"]})
        if session is not None:
            access["sid"] = session["id"]
        access.update(mapped)
        access["sub"] = user["id"]
        access["scope"] = scope_str
        if service_account:
            access.update({"clientHost": "127.0.0.1", "client_id": client["clientId"], "clientAddress": "127.0.0.1"})
        access_token = self.signer.sign(access)
        body = {"access_token": access_token, "expires_in": exp - t}
        if service_account:
            body["refresh_expires_in"] = 0
        else:
            idle = int(self.store.d["realm"].get("ssoSessionIdleTimeout", 1800))
            refresh_exp = min(
                t + idle, session["start"] + int(self.store.d["realm"].get("ssoSessionMaxLifespan", 36000))
            )
            refresh = {
                "exp": refresh_exp,
                "iat": t,
                "jti": new_id(),
                "iss": self.issuer,
                "aud": self.issuer,
                "sub": user["id"],
                "typ": "Refresh",
                "azp": client["clientId"],
                "sid": session["id"],
                "scope": refresh_scope or scope,
            }
            if nonce:
                refresh["nonce"] = nonce
            body["refresh_expires_in"] = refresh_exp - t
            body["refresh_token"] = self.signer.sign_refresh(refresh)
        body["token_type"] = "Bearer"
        if "openid" in scope.split() and not service_account:
            id_claims, _ = self.claims.mapped("id", client, user, session, scope, acr)
            id_token = {
                "exp": exp,
                "iat": t,
                "jti": new_id(),
                "iss": self.issuer,
                "aud": client["clientId"],
                "sub": user["id"],
                "typ": "ID",
                "azp": client["clientId"],
            }
            if nonce:
                id_token["nonce"] = nonce
            if session is not None:
                id_token["sid"] = session["id"]
            id_token["at_hash"] = at_hash(access_token)
            id_token.update(id_claims)
            id_token["sub"] = user["id"]
            body["id_token"] = self.signer.sign(id_token)
        body["not-before-policy"] = int(self.store.d["realm"].get("notBefore", 0))
        if session is not None:
            body["session_state"] = session["id"]
        body["scope"] = scope_str
        return body

    # ------------------------------------------------------------------ userinfo, introspection
    def _active_access(self, token: str | None) -> tuple[dict | None, dict | None, dict | None]:
        """(claims, user, client) of an active access token, else Nones."""
        if not token:
            return None, None, None
        claims = self.signer.verify(token, "Bearer")
        if claims is None:
            return None, None, None
        user = self.store.d["users"].get(claims.get("sub", ""))
        client = self.store.client_by_client_id(claims.get("azp", ""))
        if user is None or client is None or not user.get("enabled"):
            return None, None, None
        if claims.get("iat", 0) < user.get("_not_before", 0):
            return None, None, None
        if "sid" in claims:
            s = self.store.session(claims["sid"])
            if s is None or claims["azp"] not in s["clients"]:
                return None, None, None
        return claims, user, client

    def userinfo(self, req: Request) -> Response:
        token = req.bearer()
        if token is None and req.method == "POST":
            token = req.form().get("access_token")
        with self.store.lock:
            if not token:
                return oauth_error(
                    401,
                    "invalid_request",
                    "Missing access token",
                    [
                        (
                            "WWW-Authenticate",
                            f'Bearer realm="{self.store.realm_name}", error="invalid_request", error_description="Missing access token"',
                        )
                    ],
                )
            claims, user, client = self._active_access(token)
            if claims is None:
                return oauth_error(
                    401,
                    "invalid_token",
                    "Token verification failed",
                    [
                        (
                            "WWW-Authenticate",
                            f'Bearer realm="{self.store.realm_name}", error="invalid_token", error_description="Token verification failed"',
                        )
                    ],
                )
            session = self.store.session(claims.get("sid"))
            info, _ = self.claims.mapped("userinfo", client, user, session, claims.get("scope", ""))
            return json_response(200, {"sub": user["id"], **{k: v for k, v in info.items() if k != "sub"}})

    def introspect(self, req: Request) -> Response:
        form = req.form()
        with self.store.lock:
            client, err = self.authenticate_client(req, form)
            if err:
                return err
            if client.get("publicClient"):
                return oauth_error(403, "invalid_request", "Client not allowed.")
            token = form.get("token")
            if not token:
                return oauth_error(400, "invalid_request", "Token not provided.")
            claims, user, tclient = self._active_access(token)
            if claims is None:
                refresh, _ = self.signer.verify_refresh(token)
                if refresh and self.store.session(refresh.get("sid")):
                    return json_response(
                        200,
                        dict(
                            refresh,
                            active=True,
                            client_id=refresh.get("azp"),
                            username=self.store.d["users"].get(refresh["sub"], {}).get("username"),
                        ),
                    )
                return json_response(200, {"active": False})
            session = self.store.session(claims.get("sid"))
            mapped, _ = self.claims.mapped("introspection", tclient, user, session, claims.get("scope", ""))
            body = dict(claims)
            body.update({k: v for k, v in mapped.items() if k not in body})
            body.update(
                {"client_id": claims["azp"], "username": user["username"], "token_type": "Bearer", "active": True}
            )
            return json_response(200, body)

    # ------------------------------------------------------------------ logout
    def logout(self, req: Request) -> Response:
        if req.method == "POST":
            form = req.form()
            if "refresh_token" in form:
                return self._logout_backchannel(req, form)
            params = form
        else:
            params = {k: v[0] for k, v in req.query.items()}
        with self.store.lock:
            return self._logout_rp(req, params)

    def _logout_backchannel(self, req: Request, form: dict) -> Response:
        with self.store.lock:
            client, err = self.authenticate_client(req, form)
            if err:
                return err
            claims, problem = self.signer.verify_refresh(form["refresh_token"])
            if claims is None:
                return oauth_error(400, "invalid_grant", problem)
            if claims.get("azp") != client["clientId"]:
                return oauth_error(400, "invalid_grant", "Invalid refresh token")
            s = self.store.session(claims.get("sid"))
            if s is None:
                return oauth_error(400, "invalid_grant", "Session not active")
            self.store.end_session(s["id"])
            self.store.save()
            return empty(204)

    def _logout_rp(self, req: Request, p: dict) -> Response:
        hint, post_logout, state, client_id = (
            p.get("id_token_hint"),
            p.get("post_logout_redirect_uri"),
            p.get("state"),
            p.get("client_id"),
        )
        hint_claims = None
        if hint:
            hint_claims = self.signer.verify(hint, "ID")
            if hint_claims is None:
                # Keycloak still accepts an expired ID token as a hint, but not one it did not sign.
                try:
                    t = jwt.decode(hint, KeySet([self.store.rsa_key]), algorithms=["RS256"])
                    hint_claims = (
                        t.claims if t.claims.get("iss") == self.issuer and t.claims.get("typ") == "ID" else None
                    )
                except (JoseError, ValueError, TypeError):
                    hint_claims = None
            if hint_claims is None:
                return html_response(400, pages.error_page("Invalid parameter: id_token_hint"))
        client = None
        if client_id:
            client = self.store.client_by_client_id(client_id)
            if client is None:
                return html_response(400, pages.error_page("Invalid parameter: client_id"))
            if hint_claims and hint_claims.get("azp") != client_id:
                return html_response(
                    400, pages.error_page("Parameter client_id different than the client for which ID Token was issued")
                )
        elif hint_claims:
            client = self.store.client_by_client_id(hint_claims.get("azp", ""))
        if post_logout:
            if client is None:
                return html_response(400, pages.error_page("Missing parameters: id_token_hint"))
            if not matches_redirect(post_logout, post_logout_uris(client), client.get("rootUrl", "")):
                return html_response(400, pages.error_page("Invalid redirect uri"))
        cookie_session = self.store.session_by_cookie(req.cookies.get(COOKIE))
        session = self.store.session(hint_claims.get("sid")) if hint_claims else cookie_session
        if hint_claims is None and cookie_session is not None and req.method == "GET":
            # Without id_token_hint Keycloak asks the user to confirm the logout.
            return html_response(
                200,
                pages.logout_confirm_page(
                    action=self.endpoint("logout"),
                    fields={
                        "client_id": client_id or "",
                        "post_logout_redirect_uri": post_logout or "",
                        "state": state or "",
                        "confirm": "true",
                    },
                ),
            )
        if session is not None:
            self.store.end_session(session["id"])
            self.store.save()
        clear = (
            "Set-Cookie",
            f"{COOKIE}=; Version=1; Expires=Thu, 01 Jan 1970 00:00:10 GMT; Max-Age=0; "
            f"Path=/realms/{self.store.realm_name}/; HttpOnly; SameSite=Lax",
        )
        if post_logout:
            return redirect(add_params(post_logout, [("state", state)] if state else []), [clear])
        return html_response(200, pages.logged_out_page(), [clear])

    # ------------------------------------------------------------------ test helper
    def issue_token(self, claims: dict, key=None, headers=None) -> str:
        t = now()
        base = {"exp": t + ACCESS_LIFESPAN, "iat": t, "jti": new_id(), "iss": self.issuer, "typ": "Bearer"}
        base.update(claims)
        return self.signer.sign(base, key=key, headers=headers)
