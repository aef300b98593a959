"""Units and their staff in Keycloak, through its admin REST API (python-keycloak, the platform's service
account `ratusz-provisioner`, client credentials).

One realm for the whole country; each unit is an Organization (alias = the unit's subdomain) with a group
per staff role under `/units/<slug>/` (see access.py for how the claims are read). Every function here is
idempotent — it looks before it creates — so a call that failed half-way (Keycloak went away) is finished
by calling it again, and the callers run it inside their own database transaction: a unit or a member of
staff exists on the platform only if Keycloak has it too.
"""

import logging
from functools import lru_cache, wraps

from django.conf import settings
from keycloak import KeycloakAdmin, KeycloakOpenIDConnection
from keycloak.exceptions import KeycloakError

from .access import ROLE_ORDER, UNITS_GROUP

logger = logging.getLogger(__name__)

# What a new member of staff is asked to do by Keycloak's e-mail (set a password, confirm the address).
NEW_ACCOUNT_ACTIONS = ["UPDATE_PASSWORD", "VERIFY_EMAIL"]
INVITATION_LIFESPAN_SECONDS = 14 * 24 * 3600


class IdentityProviderError(Exception):
    """Keycloak refused the call (its configuration, or a conflict); the log says what it answered."""


class IdentityProviderUnavailable(IdentityProviderError):
    """Keycloak cannot be reached or failed; nothing was finished, and the same action can be retried."""


class UnverifiedAccount(Exception):
    """Keycloak has an account with this e-mail whose address nobody has confirmed: giving it a staff role
    would hand the role to whoever typed the address."""


def keycloak_admin() -> KeycloakAdmin:
    """The admin client for the configured Keycloak, one per process: python-keycloak keeps its service-account
    token and renews it when it expires, so a bulk onboarding does not fetch a token per unit."""
    return _admin_for(
        settings.KEYCLOAK_SERVER_URL,
        settings.KEYCLOAK_REALM,
        settings.KEYCLOAK_ADMIN_CLIENT_ID,
        settings.KEYCLOAK_ADMIN_CLIENT_SECRET,
        settings.KEYCLOAK_TIMEOUT_SECONDS,
    )


@lru_cache(maxsize=4)
def _admin_for(server_url: str, realm: str, client_id: str, secret: str, timeout: int) -> KeycloakAdmin:
    return KeycloakAdmin(
        connection=KeycloakOpenIDConnection(
            server_url=server_url,
            realm_name=realm,
            user_realm_name=realm,
            client_id=client_id,
            client_secret_key=secret,
            timeout=timeout,
        )
    )


def _calling(action: str):
    """Turns every failure of a Keycloak call into IdentityProviderError, logged once: IdentityProviderUnavailable
    when Keycloak could not be reached or failed itself (no answer, 5xx), worth retrying as it is."""

    def decorator(function):
        @wraps(function)
        def call(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except (KeycloakError, OSError) as error:
                code = getattr(error, "response_code", None)
                logger.warning("keycloak %s failed", action, extra={"status": code, "error": str(error)[:300]})
                if code is None or code >= 500:
                    raise IdentityProviderUnavailable(action) from error
                raise IdentityProviderError(action) from error

        return call

    return decorator


def organization_name(unit) -> str:
    # Organization names are unique in a realm and several gminas share a name (Lipno, Nowa Wieś…): the TERC
    # code tells them apart.
    return f"{unit.name} ({unit.code})"


def _organization(admin: KeycloakAdmin, slug: str) -> dict | None:
    # Keycloak searches organizations by name or domain, not alias; the alias is checked on the results.
    for organization in admin.get_organizations({"q": f"unit:{slug}"}):
        if organization.get("alias") == slug:
            return organization
    return None


def _group_id(admin: KeycloakAdmin, path: str) -> str | None:
    try:
        return admin.get_group_by_path(path)["id"]
    except KeycloakError as error:
        if getattr(error, "response_code", None) == 404:
            return None
        raise


def _group_ensure(admin: KeycloakAdmin, name: str, parent: tuple[str, str] | None) -> tuple[str, bool]:
    """(id, created) of the group `name` under `parent` (its id and path). Creation is tried first — onboarding
    creates far more groups than it finds — and an existing group (409) is then looked up by path."""
    created = admin.create_group({"name": name}, parent=parent[0] if parent else None, skip_exists=True)
    if created:
        return created, True
    return _group_id(admin, f"{parent[1] if parent else ''}/{name}"), False


def _role_groups_ensure(admin: KeycloakAdmin, slug: str) -> dict[str, str]:
    """The ids of the unit's role groups `/units/<slug>/<role>`, created where missing."""
    units_id, _ = _group_ensure(admin, UNITS_GROUP, None)
    unit_path = f"/{UNITS_GROUP}/{slug}"
    unit_id, new_unit = _group_ensure(admin, slug, (units_id, f"/{UNITS_GROUP}"))
    existing = {} if new_unit else {group["name"]: group["id"] for group in admin.get_group_children(unit_id)}
    return {role: existing.get(role) or _group_ensure(admin, role, (unit_id, unit_path))[0] for role in ROLE_ORDER}


@_calling("unit organization ensure")
def unit_organization_ensure(unit, *, enabled: bool = True) -> str:
    """The unit's Organization and role groups, created if missing; returns the Organization's id."""
    admin = keycloak_admin()
    organization = _organization(admin, unit.slug)
    if organization is None:
        organization_id = admin.create_organization(
            {
                "name": organization_name(unit),
                "alias": unit.slug,
                "enabled": enabled,
                "description": unit.name,
                "attributes": {"unit": [unit.slug], "terc": [unit.code]},
            }
        )
    else:
        organization_id = organization["id"]
        if organization.get("enabled") != enabled:
            admin.update_organization(organization_id, {**organization, "enabled": enabled})
    _role_groups_ensure(admin, unit.slug)
    return organization_id


@_calling("unit organization enable")
def unit_organization_enable(unit, *, enabled: bool) -> None:
    """A disabled Organization drops out of its members' tokens, so its staff lose their roles there."""
    unit_organization_ensure.__wrapped__(unit, enabled=enabled)


@_calling("unit organization remove")
def unit_organization_remove(slug: str) -> None:
    """Forget the unit in Keycloak: its Organization (memberships go with it) and its role groups. The
    people's accounts stay: they may work for other units or be residents."""
    admin = keycloak_admin()
    organization = _organization(admin, slug)
    if organization is not None:
        admin.delete_organization(organization["id"])
    group_id = _group_id(admin, f"/{UNITS_GROUP}/{slug}")
    if group_id:
        admin.delete_group(group_id)


@_calling("staff invite")
def staff_invite(unit, *, email: str, role: str, first_name: str = "", last_name: str = "") -> str:
    """Make `email` a member of the unit's staff in `role`; returns the Keycloak user id.

    A person new to Keycloak gets an account and Keycloak's e-mail to set a password; a person who already
    has one (a resident, another unit's clerk) keeps it and simply gains the membership and the role.
    """
    admin = keycloak_admin()
    email = email.strip().lower()
    found = [user for user in admin.get_users({"email": email, "exact": True}) if user.get("email") == email]
    organization_id = unit_organization_ensure.__wrapped__(unit)
    if found:
        account = found[0]
        member = any(
            organization["id"] == organization_id for organization in admin.get_user_organizations(account["id"])
        )
        # An unconfirmed address is acceptable only on an account nobody has used yet (one an invitation made,
        # still waiting for its first password: only the mailbox's owner can take it up) or one this unit
        # already invited; an account somebody uses under an unconfirmed address is not given the role.
        never_used = "UPDATE_PASSWORD" in account.get("requiredActions", [])
        if not account.get("emailVerified") and not (member or never_used):
            raise UnverifiedAccount(email)
        user_id, pending = (
            account["id"],
            [action for action in NEW_ACCOUNT_ACTIONS if action in account.get("requiredActions", [])],
        )
    else:
        user_id = admin.create_user(
            {
                "username": email,
                "email": email,
                "enabled": True,
                "firstName": first_name,
                "lastName": last_name,
                "requiredActions": NEW_ACCOUNT_ACTIONS,
            },
            exist_ok=True,
        )
        member, pending = False, NEW_ACCOUNT_ACTIONS
    if not member:
        admin.organization_user_add(user_id, organization_id)
    _role_groups_set(admin, unit.slug, user_id, role)
    if pending:  # Keycloak's e-mail to set the password — again, when an earlier one never arrived or lapsed
        admin.send_update_account(
            user_id, pending, client_id=settings.OIDC_CLIENT_ID, lifespan=INVITATION_LIFESPAN_SECONDS
        )
    return user_id


@_calling("staff role change")
def staff_role_set(unit, *, user_id: str, role: str) -> None:
    _role_groups_set(keycloak_admin(), unit.slug, user_id, role)


@_calling("staff name change")
def person_name_set(*, user_id: str, first_name: str, last_name: str) -> None:
    """The person's first and last name in Keycloak, which the next sign-in's claims bring back. The whole
    representation is read and sent back (PUT /users/{id}), so nothing else of the account is touched."""
    admin = keycloak_admin()
    account = admin.get_user(user_id)
    admin.update_user(user_id, {**account, "firstName": first_name, "lastName": last_name})


def _role_groups_set(admin: KeycloakAdmin, slug: str, user_id: str, role: str | None) -> None:
    for name, group_id in _role_groups_ensure(admin, slug).items():
        if name == role:
            admin.group_user_add(user_id, group_id)
        else:
            admin.group_user_remove(user_id, group_id)


@_calling("staff remove")
def staff_remove(unit, *, user_id: str) -> None:
    """Take the person off the unit's staff: no role group, no membership. Their account stays."""
    admin = keycloak_admin()
    _role_groups_set(admin, unit.slug, user_id, None)
    organization = _organization(admin, unit.slug)
    if organization and any(member.get("id") == organization["id"] for member in admin.get_user_organizations(user_id)):
        admin.organization_user_remove(user_id, organization["id"])


@_calling("client redirect URIs")
def client_redirects_set(*, platform_url: str) -> None:
    """Register the platform's callback and logout return as the web client's only redirect URIs: one pair
    for the whole country, whatever the number of units (README, "Sign-in and roles")."""
    admin = keycloak_admin()
    client_uuid = admin.get_client_id(settings.OIDC_CLIENT_ID)
    client = admin.get_client(client_uuid)
    attributes = {
        **client.get("attributes", {}),
        "post.logout.redirect.uris": f"{platform_url}oidc/wylogowano/",
        "pkce.code.challenge.method": "S256",
    }
    admin.update_client(
        client_uuid, {**client, "redirectUris": [f"{platform_url}oidc/callback/"], "attributes": attributes}
    )
