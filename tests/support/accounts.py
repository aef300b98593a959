"""Test helpers for people and sign-ins: accounts made in Keycloak through its admin API (the development
provider, or a real Keycloak with KEYCLOAK_TEST_URL), and the whole sign-in flow driven over HTTP — the
platform through Django's test client, Keycloak's login form through `requests`.

Keycloak's state is not rolled back between tests: accounts are created idempotently and their roles
reset each time, so a test gets what it asks for whatever ran before.
"""

import re
import uuid
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from django.contrib.auth import get_user_model
from django.db import connection

from shared_services.identity.access import ROLE_ORDER, UNITS_GROUP
from shared_services.identity.provisioning import keycloak_admin
from shared_services.identity.services import local_username, role_apply

PASSWORD = "Haslo-Testowe-2026"
PLATFORM = "localhost"


def kc_account(
    username: str, *, operator: bool = False, unit_roles: dict[str, str] | None = None, enabled: bool = True
) -> str:
    """An account `username` (e-mail `<username>@test.ratusz.example`) with exactly these roles; its id."""
    admin = keycloak_admin()
    user_id = admin.create_user(
        {
            "username": username,
            "email": f"{username}@test.ratusz.example",
            "emailVerified": True,
            "enabled": True,
            "firstName": username.split(".")[0].capitalize(),
            "lastName": "Testowa",
        },
        exist_ok=True,
    )
    admin.update_user(user_id, {"enabled": enabled, "requiredActions": []})
    admin.set_user_password(user_id, PASSWORD, temporary=False)
    operator_role = admin.get_realm_role("platform-operator")
    if operator:
        admin.assign_realm_roles(user_id, [operator_role])
    else:
        admin.delete_realm_roles_of_user(user_id, [operator_role])
    for group in admin.get_user_groups(user_id):
        admin.group_user_remove(user_id, group["id"])
    for organization in admin.get_user_organizations(user_id):
        admin.organization_user_remove(user_id, organization["id"])
    for slug, role in (unit_roles or {}).items():
        [organization] = [org for org in admin.get_organizations({"q": f"unit:{slug}"}) if org["alias"] == slug]
        admin.organization_user_add(user_id, organization["id"])
        admin.group_user_add(user_id, admin.get_group_by_path(f"/{UNITS_GROUP}/{slug}/{role}")["id"])
    return user_id


def local_account(*, role: str | None = None, email: str | None = None):
    """The local copy of a signed-in person in the current schema, as a first sign-in makes it (for tests
    that need a resident or a member of staff but not the sign-in itself)."""
    subject = str(uuid.uuid4())
    user = get_user_model().objects.create(
        username=local_username(subject),
        email=email or f"{subject[:8]}@test.ratusz.example",
        is_staff=role is not None and connection.schema_name != "public",
    )
    if role:
        assert role in ROLE_ORDER
        role_apply(user, role)
    return user


class SignIn:
    """One browser: Django's test client for the platform's hosts, a requests session for Keycloak's.

    The test client keeps one cookie jar for every host; a browser keeps host-only cookies apart. So the
    jar is swapped per host here (`cookies_of`), as a browser would send them.
    """

    def __init__(self, client):
        self.client = client
        self.provider = requests.Session()
        self.jars: dict[str, SimpleCookie] = {}

    def cookies_of(self, host: str) -> SimpleCookie:
        return self.jars.setdefault(host, SimpleCookie())

    def get(self, host: str, path: str, data=None):
        self.client.cookies = self.cookies_of(host)
        return self.client.get(path, data, HTTP_HOST=host)

    def post(self, host: str, path: str, data=None):
        self.client.cookies = self.cookies_of(host)
        return self.client.post(path, data, HTTP_HOST=host)

    def start(self, host: str, next_path: str = "/"):
        response = self.get(host, "/oidc/logowanie/", {"next": next_path})
        assert response.status_code == 302, response.content[:500]
        return response["Location"]

    def at_provider(self, authorization_url: str, username: str, password: str = PASSWORD) -> str:
        """Keycloak's login form, filled in; returns the callback URL Keycloak redirects to."""
        page = self.provider.get(authorization_url, allow_redirects=False)
        if page.status_code == 302:  # a Keycloak session already exists: no form
            return page.headers["Location"]
        assert page.status_code == 200, page.text[:500]
        action = unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
        answer = self.provider.post(
            urljoin(authorization_url, action), data={"username": username, "password": password}, allow_redirects=False
        )
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    def follow(self, url: str):
        """GET an absolute URL of one of the platform's hosts (a redirect's Location)."""
        parts = urlsplit(url)
        return self.get(parts.netloc, parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()})

    callback = complete = follow

    def sign_in(self, host: str, username: str, next_path: str = "/"):
        """The whole flow; returns the platform's last answer (the redirect to `next_path`)."""
        handoff = self.callback(self.at_provider(self.start(host, next_path), username))
        assert handoff.status_code == 302, handoff.content[:500]
        return self.complete(handoff["Location"])


def client_urls_add(platform_url: str) -> None:
    """Let Keycloak's web client also return to `platform_url` (a test server on its own port); production
    registers exactly one platform URL with `manage.py keycloak_setup`."""
    from django.conf import settings

    admin = keycloak_admin()
    client_uuid = admin.get_client_id(settings.OIDC_CLIENT_ID)
    client = admin.get_client(client_uuid)
    callback, logged_out = f"{platform_url}oidc/callback/", f"{platform_url}oidc/wylogowano/"
    attributes = dict(client.get("attributes", {}))
    returns = [uri for uri in attributes.get("post.logout.redirect.uris", "").split("##") if uri]
    attributes["post.logout.redirect.uris"] = "##".join(dict.fromkeys([*returns, logged_out]))
    admin.update_client(
        client_uuid,
        {
            **client,
            "attributes": attributes,
            "redirectUris": list(dict.fromkeys([*client.get("redirectUris", []), callback])),
        },
    )


def closed_port_url() -> str:
    """The address of a port nobody listens on: Keycloak being down, as the platform sees it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def staff_account(unit, name: str, role: str, department=None):
    """A member of `unit`'s staff as their first sign-in leaves them (local account, role, department),
    without going through Keycloak: for tests of what staff may do, not of how they sign in."""
    from django_tenants.utils import tenant_context

    from shared_services.staff.models import StaffMember

    with tenant_context(unit):
        user = local_account(role=role, email=f"{name}@urzad.example")
        StaffMember.objects.update_or_create(user=user, defaults={"department": department})
        return user


def signed_in(client, unit, user) -> None:
    """`client` holds a session of `user` on `unit`'s subdomain (None: the platform domain), as a sign-in
    through Keycloak leaves it — for tests of what people may do, not of how they sign in. Its tokens count
    as current for a day, so the session is not sent to Keycloak for renewal."""
    from contextlib import nullcontext

    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from shared_services.identity.services import SESSION_TOKENS

    with tenant_context(unit) if unit is not None else nullcontext():
        client.force_login(user)
        session = client.session
        later = (timezone.now() + timezone.timedelta(days=1)).timestamp()
        session[SESSION_TOKENS] = {
            "id_token": "",
            "refresh_token": "",
            "expires_at": later,
            "refresh_expires_at": later,
        }
        session.save()
