"""A unit schema copied from the template equals one built by running every migration."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.models import TenantMixin

from tenants.citus import citus_installed
from tenants.models import Tenant, UnitKind
from tenants.schema_template import (
    TemplateUnusable,
    _copy_script,
    applied_migrations,
    expected_migrations,
    schema_create_from_template,
)
from tests.support.schema_catalogue import describe

pytestmark = pytest.mark.django_db


def test_copied_schema_equals_migrated_schema():
    migrated = Tenant(
        name="Gmina Obrowo", code="0415072", kind=UnitKind.GMINA_WIEJSKA, slug="obrowo", schema_name="jst_migrated"
    )
    TenantMixin.create_schema(migrated, verbosity=0)  # django-tenants' own path: run every migration
    schema_create_from_template("jst_copied")

    migrated_description, copied_description = describe("jst_migrated"), describe("jst_copied")
    assert migrated_description["tables"]  # not comparing two empty schemas
    assert copied_description["rows"]["django_content_type"]
    for part in migrated_description:
        assert copied_description[part] == migrated_description[part], part


def test_copy_is_recorded_at_the_current_migration_state():
    schema_create_from_template("jst_recorded")
    assert applied_migrations("jst_recorded") == expected_migrations()


def test_stale_template_is_migrated_before_it_is_copied():
    template = settings.TENANT_TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA "{template}" CASCADE')
    schema_create_from_template("jst_after_drop")
    assert applied_migrations(template) == expected_migrations()
    assert applied_migrations("jst_after_drop") == expected_migrations()


def test_new_units_get_their_schema_from_the_template(django_assert_max_num_queries):
    unit = Tenant(
        name="Gmina Czernikowo",
        code="0415032",
        kind=UnitKind.GMINA_WIEJSKA,
        slug="czernikowo",
        schema_name="jst_0415032",
    )
    citus_installed()  # asked once per process, not per unit
    # A migrated schema costs hundreds of statements; the copy is a handful (the script is one of them;
    # on Citus, one more hands the schema to a worker).
    with django_assert_max_num_queries(15):
        unit.save(verbosity=0)
    assert applied_migrations("jst_0415032") == expected_migrations()


@pytest.mark.parametrize(
    "raw_sql",
    [
        "CREATE VIEW {t}.active_users AS SELECT id FROM {t}.auth_user WHERE is_active",
        "CREATE FUNCTION {t}.answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
        "CREATE SEQUENCE {t}.case_numbers",
        "CREATE TYPE {t}.mood AS ENUM ('ok', 'not ok')",
    ],
)
def test_objects_a_copy_cannot_reproduce_make_units_migrate_instead(raw_sql):
    template = settings.TENANT_TEMPLATE_SCHEMA
    schema_create_from_template("jst_warm_up")  # the template exists and is current
    with connection.cursor() as cursor:
        cursor.execute(raw_sql.format(t=template))
    # In real life a migration adds such an object, which changes the migration state the script is cached by.
    _copy_script.cache_clear()
    with pytest.raises(TemplateUnusable, match="cannot reproduce"):
        schema_create_from_template("jst_refused")
    unit = Tenant(
        name="Gmina Obrowo", code="0415072", kind=UnitKind.GMINA_WIEJSKA, slug="obrowo", schema_name="jst_0415072"
    )
    unit.save(verbosity=0)  # falls back to running the migrations
    assert applied_migrations("jst_0415072") == expected_migrations()


def test_a_template_ahead_of_this_code_is_not_copied():
    schema_create_from_template("jst_warm_up")
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{settings.TENANT_TEMPLATE_SCHEMA}".django_migrations (app, name, applied) '
            "VALUES ('branding', '0099_from_a_newer_release', now())"
        )
    with pytest.raises(TemplateUnusable, match="does not know"):
        schema_create_from_template("jst_refused")


def test_unsafe_schema_names_are_refused():
    with pytest.raises(ValidationError):
        schema_create_from_template('jst_x"; DROP SCHEMA public; --')
