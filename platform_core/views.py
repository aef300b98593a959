from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from shared_services.catalogue.selectors import regional_search as regional_search_of
from tenants.selectors import participating_units

from .display import CONTRAST_COOKIE, CONTRASTS, COOKIE_MAX_AGE, TEXT_SIZE_COOKIE, TEXT_SIZES
from .hosts import host_url, redirect_target_allowed


def portal_home(request):
    """The regional portal on the bare platform domain: the directory of participating units."""
    units = [(unit, host_url(request, unit.primary_host)) for unit in participating_units()]
    return render(request, "platform_core/portal_home.html", {"units": units})


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links: send them to the icon the pages link (an SVG in the
    static files). Not a permanent redirect, which browsers keep for ever: the icon's address may change."""
    response = redirect(static("platform_core/favicon.svg"))
    patch_cache_control(response, max_age=24 * 3600, public=True)
    return response


@require_POST
def display_preferences(request):
    """Set text size and contrast, then go back to the page the resident was on (works without JavaScript)."""
    target = request.POST.get("next", "/")
    if not redirect_target_allowed(target):
        target = "/"
    response = redirect(target)
    for cookie, name, allowed in (
        (TEXT_SIZE_COOKIE, "text_size", TEXT_SIZES),
        (CONTRAST_COOKIE, "contrast", CONTRASTS),
    ):
        value = request.POST.get(name)
        if value in allowed:
            response.set_cookie(cookie, value, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure())
    return response


def regional_search(request):
    """Search across the services of every participating unit; each result says which units offer it."""
    text = request.GET.get("q", "").strip()[:200]
    results = [
        (result, [(unit, host_url(request, unit.primary_host)) for unit in result.units])
        for result in (regional_search_of(text) if text else [])
    ]
    return render(request, "platform_core/regional_search.html", {"query": text, "results": results})
