"""REMOTE_ADDR is the client's address behind the trusted ingress, and only behind it."""

import pytest

from platform_core.proxy import client_address

INGRESS = ["10.42.0.0/16"]


@pytest.mark.parametrize(
    "peer, forwarded_for, expected",
    [
        ("10.42.3.4", "203.0.113.7", "203.0.113.7"),  # the ingress reports the client
        ("10.42.3.4", "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the left entry was written by the client
        ("10.42.3.4", "203.0.113.7, 10.42.9.9", "203.0.113.7"),  # two hops inside the cluster
        ("10.42.3.4", "2001:db8::1", "2001:db8::1"),
        ("192.0.2.50", "203.0.113.7", "192.0.2.50"),  # not from the ingress: the header is the client's own
        ("10.42.3.4", "", "10.42.3.4"),
        ("10.42.3.4", "not-an-address", "10.42.3.4"),  # never emptied: django-ratelimit refuses an empty one
        ("10.42.3.4", "10.42.9.9", "10.42.3.4"),
    ],
)
def test_client_address(peer, forwarded_for, expected):
    assert client_address(peer, forwarded_for, INGRESS) == expected


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("10.42.3.4", "203.0.113.7", []) == "10.42.3.4"


@pytest.mark.django_db
def test_the_audit_and_limits_see_the_client_behind_the_ingress(client, settings):
    from django.test import RequestFactory

    from platform_core.proxy import ForwardedForMiddleware

    settings.TRUSTED_PROXIES = INGRESS
    seen = []
    middleware = ForwardedForMiddleware(lambda request: seen.append(request.META["REMOTE_ADDR"]) or "response")
    request = RequestFactory().get("/", REMOTE_ADDR="10.42.3.4", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert middleware(request) == "response" and seen == ["203.0.113.7"]
