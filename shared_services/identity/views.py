"""Sign-in and sign-out through Keycloak, on the platform domain and every unit's subdomain (one URLconf
include for both). The callback and the return from logout exist only on the platform domain."""

import logging

from django.contrib.auth import logout
from django.core import signing
from django.db import connection
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platform_core.hosts import portal_url, redirect_target_allowed
from platform_core.rate_limits import SIGN_IN, rate_limited

from . import oidc
from .models import NEXT_PATH_MAX_LENGTH
from .services import SESSION_TOKENS, LoginFailed, login_begin, login_callback, login_complete

logger = logging.getLogger(__name__)

LOGOUT_STATE_SALT = "identity.logout"
LOGOUT_STATE_MAX_AGE = 15 * 60
SCOPE = "openid profile email organization"
# On the platform domain only; registered with Keycloak as the client's one redirect URI (and logout return).
CALLBACK_PATH = "oidc/callback/"
LOGGED_OUT_PATH = "oidc/wylogowano/"


def _callback_url(request) -> str:
    return portal_url(request) + CALLBACK_PATH


def _default_next() -> str:
    return reverse("console-units") if connection.schema_name == "public" else reverse("unit-home")


@rate_limited(*SIGN_IN, methods=None)
def login_start(request):
    """Send the visitor to Keycloak; `next` is where to come back to on this host. Each start writes a pending
    sign-in and a session, so a client address starts a limited number of them."""
    next_path = request.GET.get("next", "")
    if not redirect_target_allowed(next_path) or len(next_path) > NEXT_PATH_MAX_LENGTH:
        next_path = _default_next()
    try:
        url = login_begin(
            request=request,
            callback_url=_callback_url(request),
            next_path=next_path,
            scope=SCOPE,
            prompt="login" if request.GET.get("ponownie") else None,
        )
    except oidc.ProviderUnavailable:
        logger.warning("identity provider unreachable at sign-in")
        return _unavailable(request)
    return redirect(url)


def callback(request):
    """Keycloak's redirect back (platform domain only): finish the code flow, hand the result back to the
    host the sign-in started on."""
    state = request.GET.get("state", "")
    if "error" in request.GET or not request.GET.get("code"):
        logger.info("sign-in not completed at the provider", extra={"error": request.GET.get("error", "")})
        return render(request, "identity/login_failed.html", {"reason": "cancelled"}, status=400)
    try:
        ticket, pending = login_callback(state=state, code=request.GET["code"], callback_url=_callback_url(request))
    except LoginFailed:
        return render(request, "identity/login_failed.html", {"reason": "expired"}, status=400)
    except oidc.TokenRejected as error:
        logger.warning("sign-in refused: %s", error)
        return render(request, "identity/login_failed.html", {"reason": "refused"}, status=400)
    except oidc.ProviderUnavailable:
        return _unavailable(request)
    # The host the sign-in started on, as its Host header said (validated then): one of ours, checked again.
    back_to = f"{request.scheme}://{pending.return_host}{reverse('oidc-complete')}?ticket={ticket}"
    if not redirect_target_allowed(back_to, other_hosts=True):
        return HttpResponseBadRequest(_("Unknown address."))
    return redirect(back_to)


def complete(request):
    try:
        next_path = login_complete(request=request, ticket=request.GET.get("ticket", ""))
    except LoginFailed as error:
        logger.warning("sign-in ticket refused: %s", error)
        return render(request, "identity/login_failed.html", {"reason": "expired"}, status=400)
    return redirect(next_path if redirect_target_allowed(next_path) else _default_next())


@require_POST
def logout_start(request):
    """End this host's session, then Keycloak's (RP-initiated logout); Keycloak returns to the platform
    domain, which sends the browser back here."""
    id_token = (request.session.get(SESSION_TOKENS) or {}).get("id_token")
    back_to = f"{request.scheme}://{request.get_host()}/"
    logout(request)
    if not id_token:
        return redirect(back_to)
    state = signing.dumps({"to": back_to}, salt=LOGOUT_STATE_SALT)
    try:
        return redirect(
            oidc.end_session_url(
                id_token=id_token, state=state, post_logout_redirect_uri=portal_url(request) + LOGGED_OUT_PATH
            )
        )
    except oidc.ProviderUnavailable:
        return redirect(back_to)  # signed out here; Keycloak's session ends when it expires


def logged_out(request):
    """Keycloak's return after logout (platform domain): back to the host that asked, if it is ours."""
    try:
        target = signing.loads(request.GET.get("state", ""), salt=LOGOUT_STATE_SALT, max_age=LOGOUT_STATE_MAX_AGE)["to"]
    except (signing.BadSignature, KeyError, TypeError):
        return redirect("portal-home")
    if not isinstance(target, str) or not redirect_target_allowed(target, other_hosts=True):
        return HttpResponseBadRequest(_("Unknown address."))
    return redirect(target)


def _unavailable(request):
    return render(request, "identity/unavailable.html", status=503)
