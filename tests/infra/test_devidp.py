"""Conformance of the development identity provider (infra/devservices/devidp) with Keycloak 26's protocol.

Everything talks to it over HTTP with the real clients the platform uses: python-keycloak's KeycloakAdmin and
KeycloakOpenID, authlib's OAuth2Session, requests for the browser steps, joserfc to check ID tokens against
the JWKS. No database is needed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from keycloak import KeycloakAdmin, KeycloakOpenID, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakGetError, KeycloakPostError

from infra.devservices.devidp import start_dev_idp

REDIRECT = "http://localhost:8000/oidc/callback/"
POST_LOGOUT = "http://localhost:8000/oidc/wylogowano/"
WEB_SECRET = "ratusz-web-dev-secret"
PROVISIONER_SECRET = "ratusz-provisioner-dev-secret"

USERS = [
    {
        "username": "urzednik",
        "password": "haslo-urzednika",
        "email": "urzednik@torun.example.pl",
        "firstName": "Anna",
        "lastName": "Nowak",
        "realmRoles": ["platform-operator"],
        "groups": ["/units/torun/clerk"],
        "organizations": ["torun"],
        "attributes": {"pesel": ["44051401359"]},
    },
    {
        "username": "wylaczony",
        "password": "haslo",
        "email": "off@example.pl",
        "firstName": "Off",
        "lastName": "User",
        "enabled": False,
    },
]


@pytest.fixture(scope="module")
def idp():
    server = start_dev_idp(users=USERS)
    yield server
    server.stop()


def provisioner_admin(server) -> KeycloakAdmin:
    """python-keycloak's admin client on `server`, signed in as the platform's provisioning service account."""
    conn = KeycloakOpenIDConnection(
        server_url=server.base_url,
        realm_name="ratusz",
        user_realm_name="ratusz",
        client_id="ratusz-provisioner",
        client_secret_key=PROVISIONER_SECRET,
        verify=True,
    )
    return KeycloakAdmin(connection=conn)


@pytest.fixture(scope="module")
def admin(idp):
    return provisioner_admin(idp)


@pytest.fixture(scope="module")
def web(idp):
    return KeycloakOpenID(
        server_url=idp.base_url, realm_name="ratusz", client_id="ratusz-web", client_secret_key=WEB_SECRET
    )


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _auth_url(idp) -> str:
    return f"{idp.issuer}/protocol/openid-connect/auth"


def _auth_params(challenge: str, **changes) -> dict:
    """The query of an authorization-code request with PKCE, as the platform sends it."""
    return {
        "client_id": "ratusz-web",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **changes,
    }


def browser_login(
    idp,
    username="urzednik",
    password="haslo-urzednika",
    *,
    scope="openid profile email",
    nonce="nonce-1",
    state="state-1",
    browser=None,
    extra=None,
):
    """GET the login form, POST the credentials; return (query of the redirect, verifier, browser)."""
    browser = browser or requests.Session()
    verifier, challenge = _pkce()
    params = _auth_params(challenge, scope=scope, state=state, nonce=nonce, **(extra or {}))
    r = browser.get(_auth_url(idp), params=params, allow_redirects=False)
    if r.status_code == 200:
        action = html.unescape(re.search(r'<form id="kc-form-login" method="post" action="([^"]+)"', r.text).group(1))
        r = browser.post(action, data={"username": username, "password": password}, allow_redirects=False)
    assert r.status_code == 302, r.text
    location = r.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}, verifier, browser


def code_tokens(idp, web, **kw) -> dict:
    q, verifier, _ = browser_login(idp, **kw)
    return web.token(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=verifier)


def jwks(idp) -> KeySet:
    return KeySet.import_key_set(requests.get(f"{idp.issuer}/protocol/openid-connect/certs").json())


def verified_claims(idp, token: str) -> dict:
    t = jwt.decode(token, jwks(idp), algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": idp.issuer}).validate(t.claims)
    return t.claims


def test_discovery_and_jwks(idp, web):
    conf = web.well_known()
    assert conf["issuer"] == idp.issuer == f"{idp.base_url}realms/ratusz"
    assert conf["token_endpoint"] == f"{idp.issuer}/protocol/openid-connect/token"
    assert conf["end_session_endpoint"] == f"{idp.issuer}/protocol/openid-connect/logout"
    assert conf["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "S256" in conf["code_challenge_methods_supported"]
    keys = web.certs()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert keys[0]["kid"] == idp.signing_key.kid and "d" not in keys[0]


def test_organization_provisioning_with_python_keycloak(idp, admin):
    org_id = admin.create_organization(
        {"name": "Gmina Chełmża", "alias": "chelmza", "domains": [{"name": "chelmza.example.pl"}]}
    )
    assert admin.get_organization(org_id)["alias"] == "chelmza"
    with pytest.raises(KeycloakPostError) as dup:
        admin.create_organization({"name": "Gmina Chełmża", "alias": "chelmza-2"})
    assert dup.value.response_code == 409
    assert b"A organization with the same name already exists." in dup.value.response_body
    with pytest.raises(KeycloakPostError) as dup_alias:
        admin.create_organization({"name": "Inna", "alias": "chelmza"})
    assert dup_alias.value.response_code == 409

    user_id = admin.create_user({"username": "Sekretarz", "email": "sekretarz@chelmza.example.pl", "enabled": True})
    assert admin.create_user({"username": "sekretarz"}, exist_ok=True) == user_id
    with pytest.raises(KeycloakPostError) as dup_user:
        admin.create_user({"username": "inny", "email": "SEKRETARZ@chelmza.example.pl"})
    assert dup_user.value.response_code == 409 and b"User exists with same email" in dup_user.value.response_body

    units = admin.get_group_by_path("/units")
    unit = admin.create_group({"name": "chelmza"}, parent=units["id"])
    role_group = admin.create_group({"name": "unit_admin"}, parent=unit)
    with pytest.raises(KeycloakPostError) as dup_group:
        admin.create_group({"name": "unit_admin"}, parent=unit)
    assert dup_group.value.response_code == 409
    admin.group_user_add(user_id, role_group)
    assert [g["path"] for g in admin.get_user_groups(user_id)] == ["/units/chelmza/unit_admin"]
    assert admin.get_group_by_path("/units/chelmza/unit_admin")["id"] == role_group

    admin.organization_user_add(user_id, org_id)
    with pytest.raises(KeycloakPostError) as again:
        admin.organization_user_add(user_id, org_id)
    assert again.value.response_code == 409
    members = admin.get_organization_members(org_id)
    assert [(m["username"], m["membershipType"]) for m in members] == [("sekretarz", "UNMANAGED")]
    assert admin.get_organization_members_count(org_id) == 1
    assert [o["alias"] for o in admin.get_user_organizations(user_id)] == ["chelmza"]

    admin.delete_organization(org_id)
    assert admin.get_user_organizations(user_id) == []
    with pytest.raises(KeycloakGetError) as gone:
        admin.get_organization(org_id)
    assert gone.value.response_code == 404
    assert admin.get_user(user_id)["username"] == "sekretarz"  # an unmanaged member keeps the account


def test_admin_users_roles_and_emails(idp, admin):
    uid = admin.get_user_id("urzednik")
    assert admin.get_user(uid)["attributes"] == {"pesel": ["44051401359"]}
    assert "platform-operator" in [r["name"] for r in admin.get_realm_roles_of_user(uid)]
    assert admin.users_count({"search": "urzednik"}) == 1
    admin.send_update_account(uid, ["UPDATE_PASSWORD"], client_id="ratusz-web", redirect_uri=REDIRECT)
    mail = idp.sent_emails[-1]
    assert (mail["to"], mail["actions"], mail["type"]) == (
        "urzednik@torun.example.pl",
        ["UPDATE_PASSWORD"],
        "execute-actions",
    )
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_user("00000000-0000-0000-0000-000000000000")
    assert missing.value.response_code == 404 and b'"User not found"' in missing.value.response_body
    org = next(o for o in admin.get_organizations() if o["alias"] == "torun")
    r = admin.connection.raw_post(
        f"admin/realms/ratusz/organizations/{org['id']}/members/invite-user",
        data={"email": "nowy@torun.example.pl", "firstName": "Jan", "lastName": "Nowy"},
    )
    assert r.status_code == 204
    assert idp.sent_emails[-1]["to"] == "nowy@torun.example.pl" and idp.sent_emails[-1]["organization"] == "torun"


def test_admin_requires_token_and_role(idp, admin):
    url = f"{idp.base_url}admin/realms/ratusz/organizations"
    r = requests.get(url)
    assert r.status_code == 401
    forged = idp.issue_token(
        {"sub": admin.get_user_id("urzednik"), "azp": "ratusz-web"}, key=RSAKey.generate_key(2048, auto_kid=True)
    )
    assert requests.get(url, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    expired = idp.issue_token({"sub": admin.get_user_id("urzednik"), "azp": "ratusz-web", "exp": 1})
    assert requests.get(url, headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    weak = idp.issue_token({"sub": admin.get_user_id("urzednik"), "azp": "ratusz-web"})
    r = requests.get(url, headers={"Authorization": f"Bearer {weak}"})
    assert (r.status_code, r.json()) == (403, {"error": "HTTP 403 Forbidden"})


def test_code_flow_with_pkce_and_claims(idp, web, admin):
    tokens = code_tokens(idp, web, scope="openid profile email organization")
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 300 and tokens["refresh_expires_in"] == 1800
    assert set(tokens["scope"].split()) >= {"openid", "profile", "email", "organization"}
    claims = verified_claims(idp, tokens["id_token"])
    uid = admin.get_user_id("urzednik")
    torun = next(o for o in admin.get_organizations() if o["alias"] == "torun")
    assert (claims["typ"], claims["aud"], claims["azp"], claims["sub"], claims["nonce"]) == (
        "ID",
        "ratusz-web",
        "ratusz-web",
        uid,
        "nonce-1",
    )
    assert claims["groups"] == ["/units/torun/clerk"]
    assert claims["organization"] == {"torun": {"id": torun["id"]}}
    assert "platform-operator" in claims["realm_access"]["roles"]
    assert (claims["preferred_username"], claims["email"], claims["name"]) == (
        "urzednik",
        "urzednik@torun.example.pl",
        "Anna Nowak",
    )
    assert "pesel" not in claims
    assert claims["sid"] == tokens["session_state"]
    expected_at_hash = (
        base64.urlsafe_b64encode(hashlib.sha256(tokens["access_token"].encode()).digest()[:16]).rstrip(b"=").decode()
    )
    assert claims["at_hash"] == expected_at_hash
    access = web.decode_token(tokens["access_token"])  # python-keycloak validates it with jwcrypto
    assert access["typ"] == "Bearer" and {"ratusz-web", "account"} <= set(access["aud"])
    assert web.userinfo(tokens["access_token"])["organization"] == {"torun": {"id": torun["id"]}}
    assert web.introspect(tokens["access_token"])["active"] is True


def test_wrong_verifier_and_code_reuse_are_rejected(idp, web):
    q, verifier, _ = browser_login(idp)
    with pytest.raises(KeycloakPostError) as wrong:
        web.token(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=_pkce()[0])
    assert wrong.value.response_code == 400 and b"PKCE verification failed" in wrong.value.response_body
    q, verifier, _ = browser_login(idp)
    assert q["state"] == "state-1" and q["iss"] == idp.issuer and q["session_state"]
    web.token(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=verifier)
    with pytest.raises(KeycloakPostError) as reused:
        web.token(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=verifier)
    assert reused.value.response_code == 400 and b'"invalid_grant"' in reused.value.response_body
    bad_secret = KeycloakOpenID(
        server_url=idp.base_url, realm_name="ratusz", client_id="ratusz-web", client_secret_key="wrong"
    )
    with pytest.raises(Exception) as unauthorized:
        bad_secret.token(grant_type="authorization_code", code="x", redirect_uri=REDIRECT)
    assert unauthorized.value.response_code == 401


def test_pesel_claim_only_with_pesel_scope(idp, web):
    without = verified_claims(idp, code_tokens(idp, web)["id_token"])
    with_scope = verified_claims(idp, code_tokens(idp, web, scope="openid pesel")["id_token"])
    assert "pesel" not in without
    assert with_scope["pesel"] == "44051401359"


def test_authorization_endpoint_errors(idp):
    _verifier, challenge = _pkce()
    base = {"client_id": "ratusz-web", "response_type": "code", "scope": "openid", "state": "st"}
    r = requests.get(
        _auth_url(idp),
        params=dict(
            base, redirect_uri="http://evil.example/cb", code_challenge=challenge, code_challenge_method="S256"
        ),
        allow_redirects=False,
    )
    assert r.status_code == 400 and "Location" not in r.headers and "Invalid parameter: redirect_uri" in r.text
    r = requests.get(_auth_url(idp), params=dict(base, redirect_uri=REDIRECT), allow_redirects=False)
    assert r.status_code == 302
    q = parse_qs(urlsplit(r.headers["Location"]).query)
    assert q["error"] == ["invalid_request"] and q["error_description"] == ["Missing parameter: code_challenge_method"]
    assert q["state"] == ["st"]
    r = requests.get(
        _auth_url(idp), params=dict(base, redirect_uri=REDIRECT, code_challenge=challenge, code_challenge_method="S256")
    )
    assert r.status_code == 200 and '<html lang="pl">' in r.text and r.text.count("<h1") == 1
    assert '<label for="username">' in r.text and "to nie jest Keycloak" in r.text


def test_disabled_user_is_refused_at_login(idp):
    browser = requests.Session()
    _verifier, challenge = _pkce()
    r = browser.get(_auth_url(idp), params=_auth_params(challenge))
    action = html.unescape(re.search(r'action="([^"]+)"', r.text).group(1))
    r = browser.post(action, data={"username": "wylaczony", "password": "haslo"}, allow_redirects=False)
    assert r.status_code == 200 and "Account is disabled" in r.text
    r = browser.post(action, data={"username": "urzednik", "password": "zle"}, allow_redirects=False)
    assert r.status_code == 200 and "Invalid username or password." in r.text


def test_sso_session_cookie_and_prompt_login(idp):
    _q, _, browser = browser_login(idp)
    cookie = next(c for c in browser.cookies if c.name == "KEYCLOAK_IDENTITY")
    assert cookie.path == "/realms/ratusz/" and not cookie.domain_specified
    assert cookie.has_nonstandard_attr("HttpOnly")
    _verifier, challenge = _pkce()
    params = _auth_params(challenge, state="again")
    r = browser.get(_auth_url(idp), params=params, allow_redirects=False)
    assert r.status_code == 302 and "code=" in r.headers["Location"]  # no form within the SSO session
    r = browser.get(_auth_url(idp), params=dict(params, prompt="login"), allow_redirects=False)
    assert r.status_code == 200 and 'id="kc-form-login"' in r.text


def test_refresh_follows_current_state_and_stops_after_logout(idp, web, admin):
    tokens = code_tokens(idp, web)
    uid = admin.get_user_id("urzednik")
    extra = admin.create_group({"name": "department_head"}, parent=admin.get_group_by_path("/units/torun")["id"])
    admin.group_user_add(uid, extra)
    refreshed = web.refresh_token(tokens["refresh_token"])
    assert "/units/torun/department_head" in verified_claims(idp, refreshed["id_token"])["groups"]
    admin.group_user_remove(uid, extra)
    assert admin.get_sessions(uid)
    web.logout(refreshed["refresh_token"])
    with pytest.raises(KeycloakPostError) as after:
        web.refresh_token(refreshed["refresh_token"])
    assert after.value.response_code == 400 and b"Session not active" in after.value.response_body
    assert web.introspect(refreshed["access_token"]) == {"active": False}


def test_refresh_refused_for_disabled_user(idp, web, admin):
    admin.create_user(
        {
            "username": "czasowy",
            "enabled": True,
            "email": "czasowy@example.pl",
            "credentials": [{"type": "password", "value": "tymczasowe", "temporary": False}],
        }
    )
    tokens = code_tokens(idp, web, username="czasowy", password="tymczasowe")
    admin.update_user(admin.get_user_id("czasowy"), {"enabled": False})
    with pytest.raises(KeycloakPostError) as refused:
        web.refresh_token(tokens["refresh_token"])
    assert refused.value.response_code == 400


def test_rp_initiated_logout(idp, web):
    q, verifier, browser = browser_login(idp)
    tokens = web.token(grant_type="authorization_code", code=q["code"], redirect_uri=REDIRECT, code_verifier=verifier)
    logout = f"{idp.issuer}/protocol/openid-connect/logout"
    r = browser.get(
        logout,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "http://evil.example/out",
            "state": "s",
        },
        allow_redirects=False,
    )
    assert r.status_code == 400 and "Invalid redirect uri" in r.text
    r = browser.get(
        logout,
        params={
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": POST_LOGOUT,
            "state": "bye",
            "client_id": "ratusz-web",
        },
        allow_redirects=False,
    )
    assert r.status_code == 302 and r.headers["Location"] == POST_LOGOUT + "?state=bye"
    with pytest.raises(KeycloakPostError):
        web.refresh_token(tokens["refresh_token"])
    r = browser.get(_auth_url(idp), params=_auth_params(_pkce()[1]), allow_redirects=False)
    assert r.status_code == 200  # the SSO session is gone: the form again


def test_client_credentials(idp):
    sa = KeycloakOpenID(
        server_url=idp.base_url,
        realm_name="ratusz",
        client_id="ratusz-provisioner",
        client_secret_key=PROVISIONER_SECRET,
    )
    tokens = sa.token(grant_type="client_credentials")
    assert "refresh_token" not in tokens and "id_token" not in tokens
    claims = verified_claims(idp, tokens["access_token"])
    assert (
        claims["azp"] == "ratusz-provisioner" and claims["preferred_username"] == "service-account-ratusz-provisioner"
    )
    assert "manage-realm" in claims["resource_access"]["realm-management"]["roles"]
    web_cc = KeycloakOpenID(
        server_url=idp.base_url, realm_name="ratusz", client_id="ratusz-web", client_secret_key=WEB_SECRET
    )
    with pytest.raises(Exception) as refused:
        web_cc.token(grant_type="client_credentials")
    assert refused.value.response_code == 401 and b"unauthorized_client" in refused.value.response_body


def test_disabled_organization_is_left_out_of_the_claim(idp, web, admin):
    org_id = admin.create_organization({"name": "Gmina Lubicz", "alias": "lubicz"})
    admin.organization_user_add(admin.get_user_id("urzednik"), org_id)
    assert "lubicz" in verified_claims(idp, code_tokens(idp, web, scope="openid")["id_token"])["organization"]
    admin.update_organization(org_id, {"name": "Gmina Lubicz", "alias": "lubicz", "enabled": False})
    assert "lubicz" not in verified_claims(idp, code_tokens(idp, web, scope="openid")["id_token"])["organization"]
    admin.delete_organization(org_id)


def test_authlib_client_completes_the_flow(idp):
    client = OAuth2Session(
        "ratusz-web",
        WEB_SECRET,
        scope="openid profile email organization",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
    )
    verifier = secrets.token_urlsafe(48)
    url, state = client.create_authorization_url(_auth_url(idp), code_verifier=verifier, nonce="authlib-nonce")
    browser = requests.Session()
    r = browser.get(url)
    action = html.unescape(re.search(r'action="([^"]+)"', r.text).group(1))
    r = browser.post(action, data={"username": "urzednik", "password": "haslo-urzednika"}, allow_redirects=False)
    token = client.fetch_token(
        f"{idp.issuer}/protocol/openid-connect/token",
        authorization_response=r.headers["Location"],
        code_verifier=verifier,
        state=state,
    )
    assert verified_claims(idp, token["id_token"])["nonce"] == "authlib-nonce"


def test_state_persists_across_restart(tmp_path):
    state = tmp_path / "devidp-state.json"
    first = start_dev_idp(state_path=state, users=[USERS[0]])
    try:
        org_id = provisioner_admin(first).create_organization({"name": "Gmina Trwała", "alias": "trwala"})
        kid = first.signing_key.kid
    finally:
        first.stop()
    second = start_dev_idp(state_path=state)
    try:
        again = provisioner_admin(second)
        assert again.get_organization(org_id)["alias"] == "trwala"
        assert again.get_user_id("urzednik")
        assert second.signing_key.kid == kid
    finally:
        second.stop()
