"""The development parcel service and geocoder (infra/devservices/devuldk) on a free loopback port, with the
platform's settings pointing at it; `dev_uldk.outage = True` makes it answer 503, as GUGiK's does when down."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from infra.devservices.devuldk import start_dev_uldk


@pytest.fixture(scope="session")
def dev_uldk_server():
    server = start_dev_uldk()
    yield server
    server.stop()


@pytest.fixture
def dev_uldk(dev_uldk_server):
    dev_uldk_server.outage = False
    dev_uldk_server.requests.clear()
    cache.clear()  # lookups are cached: each test asks the server afresh
    with override_settings(ULDK_URL=dev_uldk_server.base_url, GEOCODER_URL=dev_uldk_server.geocoder_url):
        yield dev_uldk_server
    dev_uldk_server.outage = False
