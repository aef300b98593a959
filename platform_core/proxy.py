"""The client's address behind the ingress.

Behind a proxy, REMOTE_ADDR is the proxy's address; the audit trail, the abuse limits and the payment providers'
address check all need the client's. gunicorn does not rewrite REMOTE_ADDR, so this middleware does, believing
X-Forwarded-For only when the request comes from a proxy in TRUSTED_PROXIES: the client's address is the last
one in the header that is not itself a trusted proxy (anything to its left was written by the client and may be
forged). django-ratelimit refuses an empty REMOTE_ADDR, so an address is never removed, only replaced.
"""

import ipaddress
from functools import cache

from django.conf import settings


@cache
def _trusted_networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted_proxies) -> str:
    """REMOTE_ADDR as the client's address, given the peer, the X-Forwarded-For header and the trusted proxies."""
    networks = _trusted_networks(tuple(trusted_proxies))
    peer = _address(remote_addr or "")
    if not networks or peer is None or not forwarded_for or not any(peer in net for net in networks):
        return remote_addr
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            break  # a malformed entry: what lies to its left cannot be trusted either
        if not any(address in net for net in networks):
            return str(address)
    return remote_addr


class ForwardedForMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.TRUSTED_PROXIES:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                settings.TRUSTED_PROXIES,
            )
        return self.get_response(request)
