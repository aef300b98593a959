"""Rows written in one unit are invisible from another through the ORM, raw SQL and HTTP."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from shared_services.branding.models import UnitBranding
from shared_services.branding.services import branding_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def branded_a(unit_a, in_unit):
    with in_unit(unit_a):
        branding_update(tagline="Tylko dla Torunia")
    return unit_a


def test_orm_in_another_unit_does_not_see_the_row(branded_a, unit_b, in_unit):
    with in_unit(unit_b):
        assert not UnitBranding.objects.filter(tagline="Tylko dla Torunia").exists()
        assert UnitBranding.objects.count() == 0
    with in_unit(branded_a):
        assert UnitBranding.objects.get().tagline == "Tylko dla Torunia"


def test_raw_sql_in_another_unit_reads_only_that_units_schema(branded_a, unit_b, in_unit):
    table = UnitBranding._meta.db_table
    with in_unit(unit_b):
        with connection.cursor() as cursor:
            # Asked apart: on Citus a query on a unit's table runs on its worker, where current_schema() is not
            # the session's.
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone() == (unit_b.schema_name,)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE tagline = %s", ["Tylko dla Torunia"])
            assert cursor.fetchone() == (0,)


def test_http_on_another_units_subdomain_does_not_show_the_row(branded_a, unit_b, client):
    assert "Tylko dla Torunia" in client.get("/", HTTP_HOST="torun.localhost").content.decode()
    assert "Tylko dla Torunia" not in client.get("/", HTTP_HOST="lubicz.localhost").content.decode()
    assert "Tylko dla Torunia" not in client.get("/", HTTP_HOST="localhost").content.decode()


def test_public_schema_holds_no_unit_tables():
    tenant_only_apps = [app for app in settings.TENANT_APPS if app not in settings.SHARED_APPS]
    unit_tables = [
        model._meta.db_table
        for app in tenant_only_apps
        for model in apps.get_app_config(app.split(".")[-1]).get_models()
    ]
    assert unit_tables, "expected at least one unit-schema model"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY(%s)",
            [unit_tables],
        )
        assert cursor.fetchall() == []


def test_unit_tables_exist_only_in_unit_schemas_and_their_template(unit_a, unit_b):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = %s ORDER BY 1",
            [UnitBranding._meta.db_table],
        )
        schemas = [row[0] for row in cursor.fetchall()]
    assert schemas == sorted([unit_a.schema_name, unit_b.schema_name, settings.TENANT_TEMPLATE_SCHEMA])


def test_savepoint_rollback_never_leaves_the_connection_in_another_unit(branded_a, unit_b):
    """django-tenants #1262: with TENANT_LIMIT_SET_CALLS, a `SET search_path` issued inside a savepoint is
    undone by PostgreSQL on rollback; a stale cached path then sent queries to the wrong unit's schema."""
    assert settings.TENANT_LIMIT_SET_CALLS

    with transaction.atomic():
        connection.set_tenant(branded_a)
        assert UnitBranding.objects.get().tagline == "Tylko dla Torunia"
        try:
            with transaction.atomic():  # savepoint
                connection.set_tenant(unit_b)
                assert UnitBranding.objects.count() == 0  # the SET for unit B runs inside the savepoint
                raise RuntimeError("roll the savepoint back")
        except RuntimeError:
            pass
        # Still pointed at unit B by Django; PostgreSQL must agree, or this would read unit A's row.
        assert connection.schema_name == unit_b.schema_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            assert cursor.fetchone()[0] == unit_b.schema_name
        assert UnitBranding.objects.count() == 0


def test_consecutive_requests_to_different_units_switch_schema(branded_a, unit_b, client):
    for host, expected in [("torun.localhost", True), ("lubicz.localhost", False), ("torun.localhost", True)]:
        assert ("Tylko dla Torunia" in client.get("/", HTTP_HOST=host).content.decode()) is expected


def test_each_unit_has_a_coat_of_arms_placeholder_in_its_own_colours(client, unit_a, unit_b, in_unit):
    with in_unit(unit_a):
        branding_update(primary_colour="#0b5394")
    torun = client.get("/", HTTP_HOST="torun.localhost").content.decode()
    lubicz = client.get("/", HTTP_HOST="lubicz.localhost").content.decode()
    assert 'class="coat-of-arms"' in torun and "#0b5394" in torun
    assert "#0b5394" not in lubicz  # unit A's branding never shows on unit B
