from django.conf import settings


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
