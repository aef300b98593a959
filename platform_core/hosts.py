from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import validate_host
from django.utils.http import url_has_allowed_host_and_scheme
from django_tenants.utils import remove_www

from tenants.routing import unit_for_host


def host_url(request, host: str) -> str:
    """Absolute root URL of `host`, keeping the scheme and port the request came in on."""
    port = request.get_port()
    default_port = "443" if request.is_secure() else "80"
    suffix = "" if port in (default_port, "", None) else f":{port}"
    return f"{request.scheme}://{host}{suffix}/"


def portal_url(request) -> str:
    return host_url(request, settings.PLATFORM_DOMAIN)


def unit_root_url(unit) -> str:
    """The unit's address for links sent outside a request (e-mails): https in production."""
    return _root_url(unit.primary_host)


def platform_root_url() -> str:
    """The regional portal's address for links made outside a request (receipts, e-mails)."""
    return _root_url(settings.PLATFORM_DOMAIN)


def _root_url(host: str) -> str:
    scheme = "https" if settings.IS_PRODUCTION else "http"
    port = "" if settings.IS_PRODUCTION else f":{settings.DEVELOPMENT_PORT}"
    return f"{scheme}://{host}{port}/"


def redirect_target_allowed(url: str, *, other_hosts: bool = False) -> bool:
    """Whether `url`, which came from outside (a `next` parameter, a signed state), may be a redirect's target:
    a path on the host the request came to ("/urzad/"; not "//evil.example/" or "/\\evil.example"); with
    `other_hosts`, also an http(s) address of the platform's domain or of a unit's, read with urlsplit as a
    browser reads it. Always refused: user-info ("http://torun.localhost:8000@evil.example/" is evil.example),
    backslashes, control characters, other schemes and a port that is not a number."""
    if not url or "\\" in url or any(ord(character) < 0x20 or character == "\x7f" for character in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it raises ValueError for a port that is not a number
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    if not other_hosts or parts.scheme not in ("http", "https") or "@" in parts.netloc or not parts.hostname:
        return False
    hostname = parts.hostname  # lower-cased, without the port
    if not validate_host(hostname, settings.ALLOWED_HOSTS):
        return False
    if hostname != settings.PLATFORM_DOMAIN and unit_for_host(remove_www(hostname)) is None:
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts={parts.netloc})
