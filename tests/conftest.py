"""Test fixtures.

The test database is created once per session (pytest-django) and two units, with their schemas, are
created once on top of it (`django_db_setup`), not per test: schema creation is the slow part.
Each test then runs in a transaction that is rolled back.
"""

import os

import pytest
from celery import current_app as current_celery_app
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases
from django.utils import translation
from django_tenants.utils import schema_context, tenant_context

from platform_core.celery import app as celery_app
from tenants.models import Tenant, UnitKind
from tenants.services import unit_create

# Fixtures of the payment tests (the development gateway, the platform over real HTTP), for every module.
pytest_plugins = ["tests.support.payments", "tests.support.s3"]

UNIT_A = {"name": "Miasto Toruń", "code": "0463011", "kind": UnitKind.MIASTO_NA_PRAWACH_POWIATU, "slug": "torun"}
UNIT_B = {"name": "Gmina Lubicz", "code": "0415042", "kind": UnitKind.GMINA_WIEJSKA, "slug": "lubicz"}


@pytest.fixture(scope="session", autouse=True)
def identity_provider():
    """Keycloak for the whole suite: the development provider (infra/devservices/devidp) on 127.0.0.1, speaking
    Keycloak 26's protocol to the real python-keycloak and OIDC client; or, with KEYCLOAK_TEST_URL set, a real
    Keycloak 26 started with infra/keycloak/realm-ratusz.json (see infra/keycloak/README.md).

    The test client's hosts have no port: the callback registered for the suite is http://localhost/….
    """
    real_keycloak = os.environ.get("KEYCLOAK_TEST_URL")
    if real_keycloak:
        from tests.support.accounts import client_urls_add

        with override_settings(KEYCLOAK_SERVER_URL=real_keycloak):
            client_urls_add("http://localhost/")
            yield None
        return
    from infra.devservices.devidp import start_dev_idp

    provider = start_dev_idp(
        redirect_uris=["http://localhost/oidc/callback/"], post_logout_uris=["http://localhost/oidc/wylogowano/"]
    )
    try:
        with override_settings(KEYCLOAK_SERVER_URL=provider.base_url):
            yield provider
    finally:
        provider.stop()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_db_setup, django_db_blocker, django_db_keepdb, django_db_createdb, identity_provider
):
    """The test database, with the two units.

    pytest-django creates the test database only when a collected test declares it (the `django_db` mark, the
    `db` fixture): a module whose tests only use committed rows through `django_db_blocker` (a real Celery
    worker's, tests/platform_core/test_celery.py), run alone, would be connected to the development database,
    and the units would be looked for and created there. The test database is then set up here.
    """
    from shared_services.identity.provisioning import unit_organization_ensure

    keepdb = django_db_keepdb and not django_db_createdb  # as pytest-django decides (--reuse-db, --create-db)
    created_here = None
    with django_db_blocker.unblock():
        if connection.settings_dict["NAME"] != settings.DATABASES["default"]["TEST"]["NAME"]:
            created_here = setup_databases(
                verbosity=request.config.option.verbose, interactive=False, aliases={"default"}, keepdb=keepdb
            )
        assert connection.settings_dict["NAME"] == settings.DATABASES["default"]["TEST"]["NAME"]
        for unit in (UNIT_A, UNIT_B):
            if not Tenant.objects.filter(code=unit["code"]).exists():
                unit_create(**unit)
            unit_organization_ensure(Tenant.objects.get(code=unit["code"]))
    yield
    if created_here is not None and not keepdb:
        with django_db_blocker.unblock():
            teardown_databases(created_here, verbosity=request.config.option.verbose)


@pytest.fixture
def unit_a(db):
    return Tenant.objects.get(code=UNIT_A["code"])


@pytest.fixture
def unit_b(db):
    return Tenant.objects.get(code=UNIT_B["code"])


@pytest.fixture
def in_unit():
    """`with in_unit(unit):` runs the block in the unit's schema (and returns to public after)."""
    return tenant_context


@pytest.fixture
def in_public():
    return lambda: schema_context("public")


@pytest.fixture
def english():
    """Messages in English (the source language) instead of the default Polish."""
    with translation.override("en"):
        yield


@pytest.fixture
def smtp(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that Django's SMTP backend sends to; `.messages` has what came."""
    from tests.support.smtp_server import SmtpServer

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


@pytest.fixture(autouse=True)
def fresh_state():
    """Each test starts in the public schema with empty routing, offer and unit page caches and no abuse limit used.

    Cache entries dropped only on commit would otherwise outlive the test's rolled-back changes.
    """
    connection.set_schema_to_public()
    for alias in ("routing", "offer", "unit_pages", "rate_limits"):
        caches[alias].clear()
    yield
    for alias in ("routing", "offer", "unit_pages", "rate_limits"):
        caches[alias].clear()
    connection.set_schema_to_public()
    # A Celery app made in a test becomes the current one unless told otherwise, and shared tasks then publish
    # with it for the rest of the run (once to a closed port: a later worker test waited for nothing).
    assert current_celery_app._get_current_object() is celery_app, "a test left another Celery app current"


def catalogue_load_and_adopt():
    """Load the whole seeded catalogue with its forms and let both test units adopt their services."""
    from shared_services.catalogue.services import form_definitions_read, seed_read, standard_catalogue_load
    from shared_services.offer.services import offer_adopt_defaults

    standard_catalogue_load(seed=seed_read(), form_definitions=form_definitions_read())
    for unit in Tenant.objects.filter(code__in=[UNIT_A["code"], UNIT_B["code"]]):
        with tenant_context(unit):
            offer_adopt_defaults(unit_kind=unit.kind)
    connection.set_schema_to_public()


@pytest.fixture(scope="module")
def full_catalogue(django_db_setup, django_db_blocker):
    """The whole seeded catalogue with its forms, adopted by both units, for the tests of one module.

    Loading it takes seconds, so it is done once per module inside a transaction that is rolled back after
    the module; each test's own transaction nests in it as a savepoint.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            catalogue_load_and_adopt()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
