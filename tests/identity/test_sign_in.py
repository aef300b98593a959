"""Sign-in through Keycloak: the code flow with PKCE across hosts, token checks, who may do what (the whole
matrix of roles × areas × units, each with a real sign-in), sessions that stay on their host, logout."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django_tenants.utils import schema_context, tenant_context

from shared_services.identity import oidc
from shared_services.identity.access import SESSION_ACCESS
from shared_services.identity.models import LoginTicket, PendingLogin
from shared_services.identity.services import SESSION_TOKENS
from tests.support.accounts import PLATFORM, SignIn, closed_port_url, kc_account, signed_in

pytestmark = pytest.mark.django_db

TORUN, LUBICZ = "torun.localhost", "lubicz.localhost"
# Each area on the host where it exists, and a page in it.
AREAS = {
    "console": (PLATFORM, "/konsola/"),
    "office@torun": (TORUN, "/urzad/skrzynka/"),
    "office_admin@torun": (TORUN, "/urzad/pracownicy/"),
    "resident@torun": (TORUN, "/konto/"),
    "office@lubicz": (LUBICZ, "/urzad/skrzynka/"),
    "office_admin@lubicz": (LUBICZ, "/urzad/pracownicy/"),
    "resident@lubicz": (LUBICZ, "/konto/"),
}
# Who: Keycloak roles. What they get in each area: 200, or 403 with the "no access" page.
PEOPLE = {
    "operator": ({"operator": True}, {"console"}),
    "admin-torun": ({"unit_roles": {"torun": "unit_admin"}}, {"office@torun", "office_admin@torun"}),
    "head-torun": ({"unit_roles": {"torun": "department_head"}}, {"office@torun"}),
    "clerk-torun": ({"unit_roles": {"torun": "clerk"}}, {"office@torun"}),
    "clerk-lubicz": ({"unit_roles": {"lubicz": "clerk"}}, {"office@lubicz"}),
    "resident": ({}, set()),
}


@pytest.fixture
def browser(client):
    return SignIn(client)


class TestSignIn:
    def test_a_clerk_signs_in_on_the_unit_and_lands_where_they_were_going(self, browser, client, unit_a):
        subject = kc_account("ewa.torun", unit_roles={"torun": "clerk"})
        authorization = browser.start(TORUN, "/urzad/skrzynka/")
        assert "code_challenge_method=S256" in authorization and "code_challenge=" in authorization
        assert "redirect_uri=http%3A%2F%2Flocalhost%2Foidc%2Fcallback%2F" in authorization  # the one callback
        handoff = browser.callback(browser.at_provider(authorization, "ewa.torun"))
        assert handoff["Location"].startswith("http://torun.localhost/oidc/zakoncz/?ticket=")
        done = browser.complete(handoff["Location"])
        assert done.status_code == 302 and done["Location"] == "/urzad/skrzynka/"
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 200
        with tenant_context(unit_a):
            user = get_user_model().objects.get(username=f"kc:{subject}")
            assert user.email == "ewa.torun@test.ratusz.example" and not user.has_usable_password()
            assert list(user.groups.values_list("name", flat=True)) == ["clerk"]
        assert not PendingLogin.objects.exists() and not LoginTicket.objects.exists()  # both used up

    def test_a_resident_signs_in_and_sees_their_account(self, browser, client, unit_a):
        kc_account("anna.mieszkanka")
        assert browser.sign_in(TORUN, "anna.mieszkanka", "/konto/")["Location"] == "/konto/"
        assert browser.get(TORUN, "/konto/").status_code == 200
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 403

    def test_a_clerk_of_torun_signing_in_on_lubicz_gets_no_access_to_its_office(self, browser, client, unit_b):
        kc_account("ewa.torun", unit_roles={"torun": "clerk"})
        browser.sign_in(LUBICZ, "ewa.torun", "/urzad/skrzynka/")
        page = browser.get(LUBICZ, "/urzad/skrzynka/")
        assert page.status_code == 403
        text = page.content.decode()
        assert "nie ma dostępu do urzędu Gmina Lubicz" in text
        assert 'href="http://torun.localhost/urzad/skrzynka/"' in text  # where she does work
        with tenant_context(unit_b):
            assert not get_user_model().objects.get(email="ewa.torun@test.ratusz.example").groups.exists()

    def test_next_cannot_lead_off_the_site(self, browser):
        kc_account("anna.mieszkanka")
        assert browser.sign_in(TORUN, "anna.mieszkanka", "//evil.example/")["Location"] == "/"


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_enter_which_area(person, browser, client, unit_a, unit_b):
    roles, allowed = PEOPLE[person]
    kc_account(f"{person}.matrix", **roles)
    for host in (PLATFORM, TORUN, LUBICZ):
        browser.sign_in(host, f"{person}.matrix")
    for area, (host, path) in AREAS.items():
        expected = 200 if area in allowed or area.startswith("resident@") else 403
        assert browser.get(host, path).status_code == expected, (person, area)


@pytest.mark.parametrize("area", AREAS)
def test_an_anonymous_visitor_is_sent_to_sign_in_everywhere(area, client, unit_a, unit_b):
    host, path = AREAS[area]
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 302 and response["Location"] == f"/oidc/logowanie/?next={path}"


class TestSessionsStayOnTheirHost:
    def test_a_session_from_torun_is_nobody_on_lubicz_or_the_platform(self, browser, client, unit_a):
        kc_account("admin.torun", operator=True, unit_roles={"torun": "unit_admin"})
        browser.sign_in(TORUN, "admin.torun")
        assert browser.get(TORUN, "/urzad/pracownicy/").status_code == 200
        # Even sent to them (a browser would not: the cookie is host-only), Toruń's session cookie is
        # unknown to Lubicz and to the platform, whose sessions live in other schemas.
        torun_cookie = browser.cookies_of(TORUN)["sessionid"]
        assert torun_cookie["domain"] == ""
        for host, path in ((LUBICZ, "/konto/"), (PLATFORM, "/konsola/")):
            browser.cookies_of(host)["sessionid"] = torun_cookie.value
            assert browser.get(host, path).status_code == 302

    def test_a_ticket_opens_nothing_on_another_host_in_another_browser_or_twice(self, browser, client, unit_a):
        kc_account("anna.mieszkanka")
        handoff = browser.callback(browser.at_provider(browser.start(TORUN, "/konto/"), "anna.mieszkanka"))
        stolen = handoff["Location"].replace("torun.localhost", "lubicz.localhost")
        assert browser.complete(stolen).status_code == 400  # the ticket is Toruń's, and is now used up
        assert browser.complete(handoff["Location"]).status_code == 400
        # Another browser (no sign-in started there) cannot use a fresh ticket either.
        handoff = browser.callback(browser.at_provider(browser.start(TORUN, "/konto/"), "anna.mieszkanka"))
        browser.cookies_of(TORUN).clear()
        assert browser.complete(handoff["Location"]).status_code == 400
        assert browser.get(TORUN, "/konto/").status_code == 302

    def test_a_forged_or_replayed_callback_is_refused(self, browser, client, unit_a):
        kc_account("anna.mieszkanka")
        callback = browser.at_provider(browser.start(TORUN), "anna.mieszkanka")
        assert browser.callback(callback).status_code == 302
        assert browser.callback(callback).status_code == 400  # the state is used up
        assert client.get("/oidc/callback/", {"state": "x", "code": "y"}, HTTP_HOST=PLATFORM).status_code == 400
        assert (
            client.get("/oidc/callback/", {"error": "access_denied", "state": "x"}, HTTP_HOST=PLATFORM).status_code
            == 400
        )


class TestLogout:
    def test_logout_ends_the_keycloak_session_and_with_it_the_other_hosts_sessions(self, browser, client, unit_a):
        kc_account("admin.torun", operator=True, unit_roles={"torun": "unit_admin"})
        browser.sign_in(PLATFORM, "admin.torun", "/konsola/")
        browser.sign_in(TORUN, "admin.torun")  # Keycloak's own session: no password asked the second time
        leaving = browser.post(TORUN, "/oidc/wyloguj/")
        assert leaving.status_code == 302 and "/protocol/openid-connect/logout?" in leaving["Location"]
        assert "id_token_hint=" in leaving["Location"]
        back = browser.provider.get(leaving["Location"], allow_redirects=False)
        assert back.status_code == 302 and back.headers["Location"].startswith("http://localhost/oidc/wylogowano/")
        home = browser.callback(back.headers["Location"])
        assert home.status_code == 302 and home["Location"] == "http://torun.localhost/"
        assert browser.get(TORUN, "/urzad/pracownicy/").status_code == 302
        # The platform's session ends at its next token refresh: Keycloak refuses it now.
        with schema_context("public"):
            _expire_tokens(browser.cookies_of(PLATFORM)["sessionid"].value)
        assert browser.get(PLATFORM, "/konsola/").status_code == 302

    def test_a_return_from_logout_goes_only_to_our_own_hosts(self, browser):
        assert browser.get(PLATFORM, "/oidc/wylogowano/", {"state": "sfałszowany"})["Location"] == "/"


class TestRolesFollowKeycloak:
    def test_a_role_taken_away_in_keycloak_ends_at_the_next_refresh(self, browser, client, unit_a):
        subject = kc_account("ewa.torun", unit_roles={"torun": "clerk"})
        browser.sign_in(TORUN, "ewa.torun")
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 200
        kc_account("ewa.torun")  # no roles any more
        with tenant_context(unit_a):
            _expire_tokens(browser.cookies_of(TORUN)["sessionid"].value)
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 403
        with tenant_context(unit_a):
            assert not get_user_model().objects.get(username=f"kc:{subject}").groups.exists()

    def test_a_disabled_account_is_signed_out(self, browser, client, unit_a):
        kc_account("ewa.torun", unit_roles={"torun": "clerk"})
        browser.sign_in(TORUN, "ewa.torun")
        kc_account("ewa.torun", unit_roles={"torun": "clerk"}, enabled=False)
        with tenant_context(unit_a):
            _expire_tokens(browser.cookies_of(TORUN)["sessionid"].value)
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 302


def _expire_tokens(session_key: str, *, refresh_too: bool = False) -> None:
    """Make the session's access token expired, as it is five minutes after sign-in (in the current schema);
    with `refresh_too`, its refresh token as well, as after Keycloak's idle timeout."""
    session = Session.objects.get(session_key=session_key)
    data = session.get_decoded()
    data[SESSION_TOKENS]["expires_at"] = time.time() - 1
    if refresh_too:
        data[SESSION_TOKENS]["refresh_expires_at"] = time.time() - 1
    Session.objects.save(session_key, data, session.expire_date)


class TestTokenChecks:
    """The ID token is accepted only when signed by Keycloak's key, for us, by our realm, and current."""

    @pytest.fixture
    def claims(self, settings):
        now = int(time.time())
        return {
            "iss": oidc.issuer(),
            "aud": settings.OIDC_CLIENT_ID,
            "azp": settings.OIDC_CLIENT_ID,
            "sub": "5b9f0f7e-0000-4000-8000-000000000001",
            "iat": now,
            "exp": now + 300,
            "nonce": "n-1",
            "typ": "ID",
        }

    @pytest.fixture(autouse=True)
    def needs_the_development_provider(self, identity_provider):
        if identity_provider is None:
            pytest.skip("forging tokens needs the development provider's test hooks")
        self.provider = identity_provider

    def test_a_proper_token_is_accepted(self, claims):
        assert oidc.id_token_check(self.provider.issue_token(claims), nonce="n-1")["sub"] == claims["sub"]

    @pytest.mark.parametrize(
        "change, reason",
        [
            ({"aud": "inny-klient"}, "aud"),
            ({"iss": "http://127.0.0.1:1/realms/ratusz"}, "iss"),
            ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "exp"),
            ({"nonce": "cudzy"}, "nonce"),
            ({"aud": ["ratusz-web", "inny"], "azp": "inny"}, "azp"),
        ],
    )
    def test_wrong_claims_are_refused(self, claims, change, reason):
        with pytest.raises(oidc.TokenRejected):
            oidc.id_token_check(self.provider.issue_token({**claims, **change}), nonce="n-1")

    def test_a_token_signed_with_another_key_is_refused(self, claims):
        from joserfc.jwk import RSAKey

        forged = self.provider.issue_token(claims, key=RSAKey.generate_key(2048, parameters={"kid": "obcy"}))
        with pytest.raises(oidc.TokenRejected):
            oidc.id_token_check(forged, nonce="n-1")

    def test_an_unsigned_or_hmac_token_is_refused(self, claims, settings):
        from joserfc import jwt
        from joserfc.jwk import OctKey

        hmac_token = jwt.encode({"alg": "HS256"}, claims, OctKey.import_key(settings.OIDC_CLIENT_SECRET.encode()))
        with pytest.raises(oidc.TokenRejected):
            oidc.id_token_check(hmac_token, nonce="n-1")
        header, payload, _signature = self.provider.issue_token(claims).split(".")
        with pytest.raises(oidc.TokenRejected):
            oidc.id_token_check(f"{header}.{payload}.", nonce="n-1")


def test_keycloak_down_at_sign_in_says_so(browser, settings):
    settings.KEYCLOAK_SERVER_URL = closed_port_url()
    response = browser.get(TORUN, "/oidc/logowanie/")
    assert response.status_code == 503 and "Usługa logowania nie odpowiada" in response.content.decode()


def test_the_session_holds_the_roles_read_from_the_token(browser, client, unit_a):
    subject = kc_account("admin.torun", operator=True, unit_roles={"torun": "unit_admin"})
    browser.sign_in(TORUN, "admin.torun")
    with tenant_context(unit_a):
        data = Session.objects.get(session_key=browser.cookies_of(TORUN)["sessionid"].value).get_decoded()
    assert data[SESSION_ACCESS] == {"subject": subject, "operator": True, "unit_roles": {"torun": "unit_admin"}}


def test_a_resident_finds_what_she_filed_under_my_account_of_that_unit_only(
    full_catalogue, browser, unit_a, unit_b, settings, tmp_path
):
    from shared_services.eforms.models import Submission
    from tests.support.letters import FORM_URL, LETTER, application_file

    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    subject = kc_account("anna.wnioski")
    browser.sign_in(TORUN, "anna.wnioski")
    browser.client.cookies = browser.cookies_of(TORUN)
    assert application_file(browser.client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
    assert "Wydanie dowodu osobistego" in browser.get(TORUN, "/konto/").content.decode()
    browser.sign_in(LUBICZ, "anna.wnioski")  # the same person, Keycloak's session: no password again
    assert "Wydanie dowodu osobistego" not in browser.get(LUBICZ, "/konto/").content.decode()
    with tenant_context(unit_a):
        assert Submission.objects.get().submitted_by.username == f"kc:{subject}"
    with tenant_context(unit_b):
        assert not Submission.objects.exists()


class TestKeycloakAway:
    def test_roles_are_kept_while_the_refresh_token_lives_and_not_after(self, browser, unit_a, settings):
        kc_account("ewa.torun", unit_roles={"torun": "clerk"})
        browser.sign_in(TORUN, "ewa.torun")
        settings.KEYCLOAK_SERVER_URL = closed_port_url()
        session_key = browser.cookies_of(TORUN)["sessionid"].value
        with tenant_context(unit_a):
            _expire_tokens(session_key)
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 200  # an outage does not sign people out
        with tenant_context(unit_a):
            _expire_tokens(session_key, refresh_too=True)
        assert browser.get(TORUN, "/urzad/skrzynka/").status_code == 302  # …but it does not keep them in either


def _filed_by_an_account_from_before_keycloak(browser, unit, name):
    """An application filed, long ago, by the resident account `mieszkaniec:<name>@…` in `unit`; the browser
    then starts afresh (no session on the unit's host)."""
    from tests.support.letters import FORM_URL, LETTER, application_file

    with tenant_context(unit):
        legacy = get_user_model().objects.create_user(f"mieszkaniec:{name}@test.ratusz.example")
    signed_in(browser.client, unit, legacy)
    browser.jars[TORUN] = browser.client.cookies
    assert application_file(browser.client, FORM_URL, LETTER, HTTP_HOST=TORUN).status_code == 302
    browser.jars[TORUN] = type(browser.client.cookies)()
    return legacy


def test_a_residents_account_from_before_keycloak_passes_to_her_at_first_sign_in(
    full_catalogue, browser, unit_a, settings, tmp_path
):
    from shared_services.eforms.models import Submission

    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    legacy = _filed_by_an_account_from_before_keycloak(browser, unit_a, "anna.dawna")
    subject = kc_account("anna.dawna")
    browser.sign_in(TORUN, "anna.dawna")
    assert "Wydanie dowodu osobistego" in browser.get(TORUN, "/konto/").content.decode()
    with tenant_context(unit_a):
        assert Submission.objects.get().submitted_by.username == f"kc:{subject}"
        legacy.refresh_from_db()
        assert not legacy.is_active


def test_an_old_account_passes_at_a_later_sign_in_once_keycloak_has_verified_the_address(
    full_catalogue, browser, unit_a, settings, tmp_path
):
    from shared_services.eforms.models import Submission
    from shared_services.identity.provisioning import keycloak_admin

    settings.UPO_KEYS_DIR = tmp_path / "upo-keys"
    legacy = _filed_by_an_account_from_before_keycloak(browser, unit_a, "jan.pozny")
    subject = kc_account("jan.pozny")
    keycloak_admin().update_user(subject, {"emailVerified": False})
    browser.sign_in(TORUN, "jan.pozny")  # unverified: nothing passes
    with tenant_context(unit_a):
        assert Submission.objects.get().submitted_by == legacy
    keycloak_admin().update_user(subject, {"emailVerified": True})
    browser.jars[TORUN] = type(browser.client.cookies)()
    browser.provider.cookies.clear()
    browser.sign_in(TORUN, "jan.pozny")  # verified now: the old applications pass to him
    with tenant_context(unit_a):
        assert Submission.objects.get().submitted_by.username == f"kc:{subject}"
