"""What whoever can write to the shared cache (a Redis) can do: nothing. No value read from it is unpickled, so a
pickle planted there never runs in a web worker; and no entry this deployment did not write under that very key
is used, so a host is never routed into another unit's schema (platform_core/cache_serializer.py,
platform_core/signed_cache.py). Against a real Redis server, configured as production configures it."""

import json
import pickle
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from platform_core.cache_serializer import cache_from_url
from platform_core.signed_cache import row_to_plain
from tests.support.letters import FORM_URL, LUBICZ, TORUN
from tests.support.redis_server import redis_server

pytestmark = pytest.mark.django_db


class Detonator:
    """A pickle that, loaded, creates a file: the proof that whoever wrote it ran code in the reader."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return Path.touch, (self.marker,)


@pytest.fixture(scope="module")
def redis_url():
    with redis_server() as url:
        yield url


@pytest.fixture
def shared_redis(redis_url, settings):
    """The routing and offer caches in Redis, as production has them: yields a raw client and the key prefix."""
    prefix = f"ratusz-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        **django_settings.CACHES,
        "routing": {**cache_from_url(redis_url), "KEY_PREFIX": f"{prefix}:routing"},
        "offer": {**cache_from_url(redis_url), "KEY_PREFIX": f"{prefix}:offer"},
    }
    raw = redis.Redis.from_url(redis_url)
    yield raw, prefix
    for key in raw.scan_iter(match=f"{prefix}:*"):
        raw.delete(key)
    raw.close()


def keys_of(raw, prefix: str) -> list[bytes]:
    return sorted(raw.scan_iter(match=f"{prefix}:*"))


def test_a_pickle_planted_in_the_cache_never_runs(full_catalogue, client, unit_a, shared_redis, tmp_path):
    raw, prefix = shared_redis
    assert client.get(FORM_URL, HTTP_HOST=TORUN).status_code == 200  # the host's unit and the service, cached
    planted = keys_of(raw, prefix)
    assert any(b":routing:" in key for key in planted) and any(b":offer:" in key for key in planted)
    marker = tmp_path / "ran"
    for key in planted:
        raw.set(key, pickle.dumps(Detonator(marker)), keepttl=True)

    page = client.get(FORM_URL, HTTP_HOST=TORUN)

    assert not marker.exists()
    assert page.status_code == 200 and "Miasto Toruń" in page.content.decode()


def test_an_entry_copied_or_forged_in_the_cache_routes_no_host_into_another_unit(client, unit_a, unit_b, shared_redis):
    raw, prefix = shared_redis
    assert "<h1>Gmina Lubicz</h1>" in client.get("/", HTTP_HOST=LUBICZ).content.decode()
    assert "<h1>Miasto Toruń</h1>" in client.get("/", HTTP_HOST=TORUN).content.decode()
    [torun_key] = [key for key in keys_of(raw, f"{prefix}:routing") if TORUN.encode() in key]
    [lubicz_key] = [key for key in keys_of(raw, f"{prefix}:routing") if LUBICZ.encode() in key]
    lubicz_entry = raw.get(lubicz_key)
    forgeries = [
        lubicz_entry,  # Lubicz's own entry, copied under Toruń's host
        lubicz_entry.replace(LUBICZ.encode(), TORUN.encode()),  # and with the host in it changed
        json.dumps(row_to_plain(unit_b)).encode(),  # Lubicz's row, unsigned
    ]
    for forged in forgeries:
        raw.set(torun_key, forged, keepttl=True)
        page = client.get("/", HTTP_HOST=TORUN).content.decode()
        assert "<h1>Miasto Toruń</h1>" in page and "Lubicz" not in page


def test_a_units_row_cached_by_another_release_is_read_afresh(client, unit_a):
    """During a rolling deploy a release whose unit has other fields may have cached the host: its entry, signed
    and under the right key, is read as a miss, not as a crash."""
    from tenants import routing

    older = {name: value for name, value in row_to_plain(unit_a).items() if name != "activated_at"}
    routing._cache.set(routing._key(TORUN), older, 60, version=routing._KEY_VERSION)
    assert "<h1>Miasto Toruń</h1>" in client.get("/", HTTP_HOST=TORUN).content.decode()
