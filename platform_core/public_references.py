"""References from a unit's schema to rows of the public schema, without foreign keys.

A foreign key from a unit's table into a public table makes PostgreSQL put two triggers on the public table
for every unit schema. At country scale that was 404,000 triggers on a handful of catalogue tables, loaded by
every new connection that opens them (84% of its time) and growing with every unit onboarded (issue #20). So
a unit's table refers to a public row by its id (or slug) alone, and nothing of the unit is attached to the
public table:

- `public_reference` keeps Django's relation for reads (joins, `select_related`), with `db_constraint=False`:
  no constraint, hence no trigger. `on_delete=DO_NOTHING` keeps Django's deletion collector from looking for
  unit tables in the public schema, and `related_name="+"` gives public rows no way back into a unit.
- `PublicSlugList` holds a list of slugs of public rows (a unit's own service's categories) in the row itself,
  where a many-to-many table would have held foreign keys.
- What the constraint checked, the code that writes a reference checks (`public_rows_require`), and an
  archive's import checks every reference it loaded (`dangling_public_references`). The catalogue never
  deletes a published version or a service, so a reference checked once stays good.

tests/platform_core/test_no_unit_state_on_public_tables.py fails when a unit's schema attaches anything to a
public table again.
"""

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from psycopg2 import sql

from platform_core.schema_marking import SchemaPlacement, placement_of


def public_reference(to: str, *, one_to_one: bool = False, **options) -> models.ForeignKey:
    """A reference from a unit's table to the public row `to`: a foreign key in Django, none in PostgreSQL."""
    field_class = models.OneToOneField if one_to_one else models.ForeignKey
    return field_class(to, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+", **options)


class PublicSlugList(ArrayField):
    """The slugs of rows of the public model `to`, kept in a unit's row (no table between them)."""

    def __init__(self, to: str, **kwargs):
        self.to = to
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.pop("base_field", None)
        super().__init__(models.SlugField(), **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field", None)
        return name, path, args, {"to": self.to, **kwargs}

    @property
    def referenced_model(self):
        return apps.get_model(self.to)


class MissingPublicRow(ValueError):
    """A reference names a public row that does not exist."""

    def __init__(self, model, missing):
        self.model, self.missing = model, sorted(missing, key=str)
        super().__init__(f"no {model._meta.label} with {', '.join(map(str, self.missing))}")


def public_rows_require(model: type[models.Model], keys, *, field: str = "pk") -> None:
    """Raise MissingPublicRow unless every one of `keys` (ids, or values of `field`) names a row of `model`;
    one query, none when `keys` is empty."""
    wanted = {key for key in keys if key is not None}
    if not wanted:
        return
    found = set(model.objects.filter(**{f"{field}__in": wanted}).values_list(field, flat=True))
    if wanted - found:
        raise MissingPublicRow(model, wanted - found)


def _public(model) -> bool:
    return placement_of(model) == SchemaPlacement.PUBLIC


def unit_references_to_public():
    """(unit model, field) for every reference a unit's table holds to public rows."""
    for model in apps.get_models():
        if placement_of(model) != SchemaPlacement.TENANT:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, PublicSlugList) or (field.is_relation and _public(field.related_model)):
                yield model, field


def dangling_public_references(schema: str) -> list[str]:
    """What the unit schema `schema` refers to in the public schema that is not there (one query per
    reference), as `table.column: value, …`; empty when every reference holds."""
    problems = []
    with connection.cursor() as cursor:
        for model, field in unit_references_to_public():
            if isinstance(field, PublicSlugList):
                target, key = field.referenced_model, "slug"
                values = sql.SQL("SELECT DISTINCT v FROM {table} t, unnest(t.{column}) v")
            else:
                target, key = field.related_model, field.target_field.column
                values = sql.SQL("SELECT DISTINCT t.{column} AS v FROM {table} t WHERE t.{column} IS NOT NULL")
            # The unit's values are read first (a materialised CTE): Citus, where the unit's table is on a worker
            # and the public one on the coordinator, refuses to correlate the two in one subquery.
            query = sql.SQL(
                "WITH u AS MATERIALIZED ({values}) "
                "SELECT v FROM u WHERE NOT EXISTS (SELECT 1 FROM {target} r WHERE r.{key} = u.v)"
            )
            cursor.execute(
                query.format(
                    values=values.format(
                        table=sql.Identifier(schema, model._meta.db_table), column=sql.Identifier(field.column)
                    ),
                    target=sql.Identifier("public", target._meta.db_table),
                    key=sql.Identifier(key),
                )
            )
            missing = [str(value) for (value,) in cursor.fetchall()]
            if missing:
                problems.append(f"{model._meta.db_table}.{field.column}: {', '.join(sorted(missing))}")
    return problems


# Everything in the catalog that ties an object of `schema` to a relation of another schema (bar PostgreSQL's
# own): a foreign key's constraint and the triggers it puts on the referenced table, a view's rule, a column
# default taking numbers from another schema's sequence, an index or policy… Read through pg_depend, where
# every such tie is recorded, with the owning schema of each kind of dependent object resolved.
_TIES_TO_OTHER_SCHEMAS = """
    WITH ties AS (
        SELECT d.classid, d.objid, d.objsubid, d.refobjid, ref.relnamespace AS ref_namespace,
            CASE d.classid
                WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)
                WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = d.objid)
                WHEN 'pg_trigger'::regclass THEN (
                    SELECT c.relnamespace FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid
                )
                WHEN 'pg_rewrite'::regclass THEN (
                    SELECT c.relnamespace FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid
                )
                WHEN 'pg_attrdef'::regclass THEN (
                    SELECT c.relnamespace FROM pg_attrdef a JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid
                )
                WHEN 'pg_policy'::regclass THEN (
                    SELECT c.relnamespace FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid
                )
                ELSE (
                    SELECT n.oid FROM pg_namespace n
                    WHERE n.nspname = (pg_identify_object(d.classid, d.objid, d.objsubid)).schema
                )
            END AS namespace
        FROM pg_depend d
        JOIN pg_class ref ON d.refclassid = 'pg_class'::regclass AND ref.oid = d.refobjid
    )
    SELECT pg_describe_object(classid, objid, objsubid), refobjid::regclass::text
    FROM ties
    WHERE namespace = %(schema)s::regnamespace AND ref_namespace <> namespace
        AND ref_namespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
    UNION ALL
    -- The triggers a foreign key puts on the table it references hang on the key's constraint, not on the
    -- referencing schema: found by the table or constraint they were made for.
    SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0), t.tgrelid::regclass::text
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    LEFT JOIN pg_class made_for ON made_for.oid = t.tgconstrrelid
    LEFT JOIN pg_constraint con ON con.oid = t.tgconstraint
    WHERE c.relnamespace <> %(schema)s::regnamespace
        AND (made_for.relnamespace = %(schema)s::regnamespace OR con.connamespace = %(schema)s::regnamespace)
    ORDER BY 1
"""


def ties_to_other_schemas(schema: str) -> list[tuple[str, str]]:
    """(object, the other schema's relation it is tied to) for everything of `schema` tied to a table, view or
    sequence of another schema: a unit's schema must have none, or the public tables carry one more of it per
    unit."""
    with connection.cursor() as cursor:
        cursor.execute(_TIES_TO_OTHER_SCHEMAS, {"schema": schema})
        return cursor.fetchall()


def triggers_on_public_tables() -> int:
    """How many triggers the public schema's tables carry (every new connection loads them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE c.relnamespace = 'public'::regnamespace"
        )
        return cursor.fetchone()[0]
