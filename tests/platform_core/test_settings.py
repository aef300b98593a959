"""Production mode refuses to start with an unsafe configuration."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAFE_PRODUCTION = {
    "RATUSZ_ENV": "production",
    "SECRET_KEY": "p" * 64,
    "ALLOWED_HOSTS": "ratusz.example.pl,.ratusz.example.pl",
    "PLATFORM_DOMAIN": "ratusz.example.pl",
    "DATABASE_URL": "postgresql://ratusz:haslo@db.internal:5432/ratusz",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "CACHE_URL": "redis://redis.internal:6379/1",
    "EMAIL_URL": "smtp+tls://ratusz:haslo@smtp.internal:587",
    "MEDIA_ROOT": "/srv/ratusz/media",
    "UNIT_EXPORT_ROOT": "/srv/ratusz/exports",
    "UPO_KEYS_DIR": "/srv/ratusz/upo-keys",
    "KEYCLOAK_SERVER_URL": "https://login.ratusz.example.pl/",
    "OIDC_CLIENT_SECRET": "s" * 32,
    "KEYCLOAK_ADMIN_CLIENT_SECRET": "a" * 32,
    "PAYMENT_SECRETS_KEYS": "K" * 43 + "=",
}


def start_django(show: str = "settings.DEBUG", **overrides):
    """Start Django with the safe production configuration changed by `overrides` (None: unset) and print
    `show`, an expression of `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SAFE_PRODUCTION and key not in ("DEBUG", "CACHE_KEY_PREFIX", "CONN_MAX_AGE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "platform_core.settings", **SAFE_PRODUCTION, **overrides})
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; print({show})"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_safe_production_configuration_starts():
    result = start_django()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_reads_its_redis_as_json_through_djangos_own_backend():
    pairs = "[(cache['BACKEND'], cache['OPTIONS']['serializer']) for cache in settings.CACHES.values()]"
    result = start_django(show=f"__import__('json').dumps({pairs})")
    assert result.returncode == 0, result.stderr
    backends = {tuple(pair) for pair in json.loads(result.stdout)}
    assert backends == {
        ("django.core.cache.backends.redis.RedisCache", "platform_core.cache_serializer.JSONSerializer")
    }


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "SECRET_KEY is the development key"),
        ({"SECRET_KEY": "short"}, "shorter than 50 characters"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is empty"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL is not set"),
        ({"CACHE_URL": None}, "CACHE_URL is not set"),
        ({"EMAIL_URL": None}, "EMAIL_URL is not set"),
        ({"MEDIA_ROOT": None}, "MEDIA_ROOT is not set"),
        ({"UNIT_EXPORT_ROOT": None}, "UNIT_EXPORT_ROOT is not set"),
        ({"UPO_KEYS_DIR": None}, "UPO_KEYS_DIR is not set"),
        ({"KEYCLOAK_SERVER_URL": None}, "KEYCLOAK_SERVER_URL is not set"),
        ({"OIDC_CLIENT_SECRET": None}, "OIDC_CLIENT_SECRET is not set"),
        ({"KEYCLOAK_ADMIN_CLIENT_SECRET": None}, "KEYCLOAK_ADMIN_CLIENT_SECRET is not set"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS contains '*'"),
        ({"CACHE_URL": "filecache:///srv/ratusz/cache"}, "CACHE_URL is not redis:// or rediss://"),
        ({"CACHE_URL": "pymemcache://memcached.internal:11211"}, "CACHE_URL is not redis:// or rediss://"),
    ],
)
def test_unsafe_production_configuration_is_refused(overrides, complaint):
    result = start_django(**overrides)
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert complaint in result.stderr


REALM_EXPORT = PROJECT_ROOT / "infra" / "keycloak" / "realm-ratusz.json"
DEVELOPMENT_CLIENT_SECRETS = [
    client["secret"] for client in json.loads(REALM_EXPORT.read_text())["clients"] if client.get("secret")
]


def test_the_realm_export_has_the_development_secrets_that_production_refuses():
    assert sorted(DEVELOPMENT_CLIENT_SECRETS) == ["ratusz-provisioner-dev-secret", "ratusz-web-dev-secret"]


@pytest.mark.parametrize("secret", DEVELOPMENT_CLIENT_SECRETS)
@pytest.mark.parametrize("name", ["OIDC_CLIENT_SECRET", "KEYCLOAK_ADMIN_CLIENT_SECRET"])
def test_a_client_secret_of_the_development_realm_is_refused(name, secret):
    result = start_django(**{name: secret})
    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert f"{name} is a development secret of the realm export" in result.stderr


def test_unknown_environment_name_is_refused():
    result = start_django(RATUSZ_ENV="prod")
    assert result.returncode != 0
    assert "RATUSZ_ENV must be 'development' or 'production'" in result.stderr


PREFIXES = "[settings.CACHES[alias]['KEY_PREFIX'] for alias in ('default', 'routing', 'offer')]"


@pytest.mark.parametrize(
    "overrides, prefixes",
    [
        ({}, ["ratusz", "ratusz:routing", "ratusz:offer"]),  # the database's name
        ({"CACHE_KEY_PREFIX": "staging"}, ["staging", "staging:routing", "staging:offer"]),
    ],
)
def test_cache_keys_carry_the_deployments_prefix(overrides, prefixes):
    result = start_django(show=PREFIXES, **overrides)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(prefixes)


def test_production_keeps_database_connections_and_checks_them():
    result = start_django(
        show="(settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(60, True)"
