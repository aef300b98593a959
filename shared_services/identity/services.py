"""Sign-in across hosts, and the local copy of a person's roles.

A sign-in starts on the host the person is using (a unit's subdomain or the platform domain), goes to
Keycloak, comes back to the one callback on the platform domain, and is handed back to the starting host
with a single-use ticket bound to the starting browser. Only then does that host open a session: its own,
host-only, in its own schema.
"""

import hashlib
import secrets
from datetime import timedelta
from enum import Enum

from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from shared_services.eforms.models import FormDraft, Submission
from shared_services.staff.models import StaffMember

from . import oidc
from .access import OFFICE_ROLE_CACHE, ROLE_ORDER, SESSION_ACCESS, Access
from .models import LoginTicket, PendingLogin

PENDING_LOGIN_LIFETIME = timedelta(minutes=15)  # time to type a password at Keycloak
TICKET_LIFETIME = timedelta(seconds=60)  # from the callback to the starting host: one redirect
SESSION_PENDING_STATE = "identity_pending_state"
SESSION_TOKENS = "identity_tokens"
USERNAME_PREFIX = "kc:"
LEGACY_RESIDENT_PREFIX = "mieszkaniec:"  # residents' own accounts, before Keycloak


class LoginFailed(Exception):
    """The sign-in cannot be completed; the message (English) is for the log, the person sees a page."""


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def login_begin(*, request, callback_url: str, next_path: str, scope: str, prompt: str | None = None) -> str:
    """Record the sign-in and return Keycloak's authorization URL for it."""
    authorization = oidc.authorization_start(redirect_uri=callback_url, scope=scope, prompt=prompt)
    now = timezone.now()
    PendingLogin.objects.filter(expires_at__lt=now).delete()
    PendingLogin.objects.create(
        state=authorization.state,
        code_verifier=authorization.code_verifier,
        nonce=authorization.nonce,
        return_host=request.get_host(),
        next_path=next_path,
        expires_at=now + PENDING_LOGIN_LIFETIME,
    )
    request.session[SESSION_PENDING_STATE] = authorization.state
    return authorization.url


def login_callback(*, state: str, code: str, callback_url: str) -> tuple[str, PendingLogin]:
    """Finish the code flow on the platform domain; returns (ticket, the pending sign-in it was)."""
    with transaction.atomic():
        pending = PendingLogin.objects.select_for_update().filter(state=state, expires_at__gt=timezone.now()).first()
        if pending is None:
            raise LoginFailed("unknown or expired sign-in")
        pending.delete()  # single use, whatever happens next
    tokens = oidc.code_exchange(
        code=code, code_verifier=pending.code_verifier, redirect_uri=callback_url, nonce=pending.nonce
    )
    ticket = secrets.token_urlsafe(32)
    now = timezone.now()
    LoginTicket.objects.filter(expires_at__lt=now).delete()
    LoginTicket.objects.create(
        ticket_hash=_hash(ticket),
        state=pending.state,
        return_host=pending.return_host,
        next_path=pending.next_path,
        claims=tokens.claims,
        id_token=tokens.id_token,
        refresh_token=tokens.refresh_token,
        access_expires_at=now + timedelta(seconds=tokens.expires_in),
        refresh_expires_at=now + timedelta(seconds=tokens.refresh_expires_in),
        expires_at=now + TICKET_LIFETIME,
    )
    return ticket, pending


def login_complete(*, request, ticket: str) -> str:
    """Open this host's session for the ticket; returns where to go next.

    The ticket must be for this host and for the browser that started the sign-in here (its session holds
    the state), so a ticket sent to somebody else, or to another unit, opens nothing.
    """
    with transaction.atomic():
        row = (
            LoginTicket.objects.select_for_update()
            .filter(ticket_hash=_hash(ticket), expires_at__gt=timezone.now())
            .first()
        )
        if row is None:
            raise LoginFailed("unknown, used or expired ticket")
        row.delete()
    if row.return_host != request.get_host() or row.state != request.session.pop(SESSION_PENDING_STATE, None):
        raise LoginFailed("ticket for another host or browser")
    session_start(
        request=request,
        claims=row.claims,
        id_token=row.id_token,
        refresh_token=row.refresh_token,
        access_expires_at=row.access_expires_at,
        refresh_expires_at=row.refresh_expires_at,
    )
    return row.next_path


def session_start(
    *, request, claims: dict, id_token: str, refresh_token: str, access_expires_at, refresh_expires_at
) -> None:
    user = account_sync(claims)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # also a new session key
    request.session[SESSION_ACCESS] = Access.from_claims(claims).as_session()
    _tokens_keep(
        request,
        id_token=id_token,
        refresh_token=refresh_token,
        access_expires_at=access_expires_at,
        refresh_expires_at=refresh_expires_at,
    )


def _tokens_keep(request, *, id_token: str, refresh_token: str, access_expires_at, refresh_expires_at) -> None:
    request.session[SESSION_TOKENS] = {
        "id_token": id_token,
        "refresh_token": refresh_token,
        "expires_at": access_expires_at.timestamp(),
        "refresh_expires_at": refresh_expires_at.timestamp(),
    }


class SessionState(Enum):
    CURRENT = "current"  # tokens valid, or renewed just now
    ENDED = "ended"  # Keycloak refused, or the session never came from Keycloak: sign out
    UNCONFIRMED = "unconfirmed"  # Keycloak could not be asked; the roles as last read still hold


def session_refresh(request) -> SessionState:
    """Renew the tokens of a session whose access token has expired and bring its roles up to date.

    A session without Keycloak's tokens (one opened before sign-in moved to Keycloak) has ENDED. When
    Keycloak cannot be reached the roles as last read are kept (UNCONFIRMED), but never past the life of the
    refresh token: after that the session has ENDED too, so a removed clerk is not kept in by an outage.
    """
    tokens = request.session.get(SESSION_TOKENS)
    if not tokens:
        return SessionState.ENDED
    now = timezone.now()
    if tokens["expires_at"] > now.timestamp():
        return SessionState.CURRENT
    try:
        fresh = oidc.tokens_refresh(tokens["refresh_token"])
    except oidc.TokenRejected:
        return SessionState.ENDED
    except oidc.ProviderUnavailable:
        still_valid = tokens.get("refresh_expires_at", 0) > now.timestamp()
        return SessionState.UNCONFIRMED if still_valid else SessionState.ENDED
    if fresh.claims["sub"] != request.session.get(SESSION_ACCESS, {}).get("subject"):
        return SessionState.ENDED
    account_sync(fresh.claims)
    request.session[SESSION_ACCESS] = Access.from_claims(fresh.claims).as_session()
    _tokens_keep(
        request,
        id_token=fresh.id_token,
        refresh_token=fresh.refresh_token or tokens["refresh_token"],
        access_expires_at=now + timedelta(seconds=fresh.expires_in),
        refresh_expires_at=now + timedelta(seconds=fresh.refresh_expires_in),
    )
    return SessionState.CURRENT


def local_username(subject: str) -> str:
    return f"{USERNAME_PREFIX}{subject}"


@transaction.atomic
def account_sync(claims: dict):
    """The person's account in the current schema, created at first sign-in, with the profile and roles
    the claims give for this host. Nothing else from the token (PESEL included) is stored."""
    access = Access.from_claims(claims)
    user, _created = get_user_model().objects.get_or_create(username=local_username(access.subject))
    if connection.schema_name != "public" and claims.get("email_verified") and claims.get("email"):
        _resident_account_take_over(user, claims["email"])
    profile = {
        "email": claims.get("email", ""),
        "first_name": claims.get("given_name", "")[:150],
        "last_name": claims.get("family_name", "")[:150],
    }
    if connection.schema_name == "public":
        profile["is_staff"] = access.operator
        role = None
    else:
        role = access.role_in(connection.tenant.slug)
        profile["is_staff"] = role is not None
    changed = [name for name, value in profile.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, profile[name])
    if user.has_usable_password():
        user.set_unusable_password()
        changed.append("password")
    if changed:
        user.save(update_fields=changed)
    if connection.schema_name != "public":
        role_apply(user, role)
    return user


def _resident_account_take_over(user, email: str) -> None:
    """A resident's account from before sign-in moved to Keycloak (`mieszkaniec:<e-mail>`): its drafts and
    applications pass to the person who signs in with that e-mail once Keycloak has verified it — at that
    sign-in or a later one; the old account is then closed, so this happens once."""
    legacy = (
        get_user_model().objects.filter(username=LEGACY_RESIDENT_PREFIX + email.strip().lower(), is_active=True).first()
    )
    if legacy is None:
        return
    FormDraft.objects.filter(owner=legacy).update(owner=user)
    Submission.objects.filter(submitted_by=legacy).update(submitted_by=user)
    legacy.is_active = False
    legacy.save(update_fields=["is_active"])


def role_apply(user, role: str | None) -> None:
    """The one writer of a unit account's role: its group, and its staff record (which keeps the department)."""
    user.__dict__.pop(OFFICE_ROLE_CACHE, None)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_ORDER}
    current = {group.name for group in user.groups.filter(name__in=ROLE_ORDER)}
    if current != ({role} if role else set()):
        user.groups.remove(*[groups[name] for name in current - {role}])
        if role:
            user.groups.add(groups[role])
    if role:
        StaffMember.objects.get_or_create(user=user)
