"""A unit's schema attaches nothing to the public schema's tables.

A foreign key from a unit's table into a public table puts two triggers on the public table, one pair per
unit: 404,000 triggers at country scale, which every new connection loaded (issue #20). So unit tables refer
to public rows by id or slug (platform_core/public_references.py), and these tests fail when anything of a
unit's schema — a key, the triggers it makes, a view, a default from a public sequence — is tied to a public
table again, in the template every new unit is copied from and in a unit migrated as units are.
"""

import pytest
from django.conf import settings
from django.db import connection

from platform_core.public_references import (
    MissingPublicRow,
    dangling_public_references,
    public_rows_require,
    ties_to_other_schemas,
    triggers_on_public_tables,
)
from shared_services.catalogue.models import Category, StandardService


@pytest.fixture(params=["template", "unit"])
def unit_schema(request, db):
    if request.param == "template":
        return settings.TENANT_TEMPLATE_SCHEMA
    return request.getfixturevalue("unit_a").schema_name


def execute(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def test_a_unit_schema_is_tied_to_no_public_table(unit_schema):
    assert ties_to_other_schemas(unit_schema) == []


def test_no_trigger_on_a_public_table_was_made_for_a_unit(db):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.tgname, t.tgrelid::regclass::text FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            LEFT JOIN pg_class made_for ON made_for.oid = t.tgconstrrelid
            WHERE c.relnamespace = 'public'::regnamespace AND made_for.relnamespace <> 'public'::regnamespace
            """
        )
        assert cursor.fetchall() == []


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            'ALTER TABLE "{schema}".offer_adoptedservice ADD CONSTRAINT planted FOREIGN KEY (standard_service_id) '
            "REFERENCES public.catalogue_standardservice (id)",
            {"constraint planted on table {schema}.offer_adoptedservice", "trigger RI_ConstraintTrigger_a_"},
        ),
        (
            'CREATE VIEW "{schema}".planted AS SELECT id FROM public.catalogue_category',
            {"rule _RETURN on view {schema}.planted"},
        ),
        (
            "CREATE TABLE \"{schema}\".planted (n bigint DEFAULT nextval('public.catalogue_category_id_seq'))",
            {"default value for column n of table {schema}.planted"},
        ),
    ],
    ids=["foreign key", "view", "default from a public sequence"],
)
def test_anything_tied_to_a_public_table_is_found(unit_schema, plant, expected):
    execute(plant.format(schema=unit_schema))  # the test's transaction is rolled back
    found = {described for described, _ in ties_to_other_schemas(unit_schema)}
    for what in expected:
        what = what.format(schema=unit_schema)
        assert any(described.startswith(what) for described in found), (what, found)


def test_a_foreign_key_adds_triggers_on_the_public_table_and_a_reference_does_not(unit_a):
    before = triggers_on_public_tables()
    execute(
        f'ALTER TABLE "{unit_a.schema_name}".offer_adoptedservice ADD CONSTRAINT planted '
        "FOREIGN KEY (standard_service_id) REFERENCES public.catalogue_standardservice (id)"
    )
    assert triggers_on_public_tables() == before + 2  # on delete and on update of the referenced row


def test_a_missing_public_row_is_refused(db):
    category = Category.objects.create(slug="jest", name="Jest", name_en="Is")
    public_rows_require(Category, ["jest"], field="slug")
    public_rows_require(Category, [category.pk, None])
    with pytest.raises(MissingPublicRow, match=r"no catalogue\.Category with nie-ma"):
        public_rows_require(Category, ["jest", "nie-ma"], field="slug")
    with pytest.raises(MissingPublicRow):
        public_rows_require(StandardService, [987654321])


def test_dangling_references_of_a_unit_are_named(unit_a):
    assert dangling_public_references(unit_a.schema_name) == []
    execute(
        f'INSERT INTO "{unit_a.schema_name}".offer_adoptedservice (standard_service_id, enabled, department, room, '
        "office_hours, contact, local_notes, adopted_at) VALUES (987654321, true, '', '', '', '', '', now())"
    )
    execute(
        f'INSERT INTO "{unit_a.schema_name}".offer_unitservice (slug, enabled, name, short_description, description, '
        "who_may_apply, legal_basis, required_documents, fee_grosze, fee_description, deadline_description, appeal, "
        "where_to_file, department, room, office_hours, contact, keywords, category_slugs, life_event_slugs) "
        "VALUES ('x', true, 'X', 'X', '', '', '', '', 0, '', '', '', '', '', '', '', '', '', '{nie-ma}', '{}')"
    )
    assert dangling_public_references(unit_a.schema_name) == [
        "offer_adoptedservice.standard_service_id: 987654321",
        "offer_unitservice.category_slugs: nie-ma",
    ]
