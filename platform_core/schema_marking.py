"""Every model says where its table lives: the public schema or every unit's schema.

Adapted from Sentry's silo decorators. django-tenants decides placement by app lists (SHARED_APPS,
TENANT_APPS); the mark states the intent on the model itself, and tests/platform_core/test_schema_marking.py fails when
a model is unmarked, its app sits in the wrong list, a public model has a foreign key into a unit's
schema (such a key would point at a table that does not exist in the public schema), or a unit's model has one
into the public schema (PostgreSQL would put triggers on the public table for every unit:
platform_core/public_references.py).

The mark also says what the table becomes on Citus, where each unit's schema is a distributed schema on
one worker (tenants/citus.py, docs/citus.md): a unit's table is a table of a distributed schema; a public
table stays a local table on the coordinator (@public_model) or is copied to every worker as a reference
table (@reference_model). The rules above are the ones Citus enforces too — it refuses a foreign key from a
public table into a distributed schema, and one from a distributed schema to a table that is not a reference
table; one between two units' schemas cannot be declared (a unit's tables find each other in its own
schema). One rule is Citus's alone: a reference table's foreign keys point only at reference tables (Citus
refuses the others, or pulls the table they point at into its metadata with everything keyed to it).
"""

from enum import Enum


class SchemaPlacement(str, Enum):
    PUBLIC = "public"
    TENANT = "tenant"


class CitusTable(str, Enum):
    """What the model's table becomes on Citus."""

    LOCAL = "local table on the coordinator"
    REFERENCE = "reference table"
    DISTRIBUTED_SCHEMA = "table of a distributed schema"


def _mark(placement: SchemaPlacement, citus_table: CitusTable):
    def decorator(model_class):
        model_class.schema_placement = placement
        model_class.citus_table = citus_table
        return model_class

    return decorator


public_model = _mark(SchemaPlacement.PUBLIC, CitusTable.LOCAL)
public_model.__doc__ = "The model's table lives in the public schema (regional data, operator side)."
reference_model = _mark(SchemaPlacement.PUBLIC, CitusTable.REFERENCE)
reference_model.__doc__ = "A public model whose table Citus copies to every worker, for joins with units' tables."
tenant_model = _mark(SchemaPlacement.TENANT, CitusTable.DISTRIBUTED_SCHEMA)
tenant_model.__doc__ = "The model's table lives in each unit's schema (that unit's own data)."


def placement_of(model_class) -> SchemaPlacement | None:
    # Read from the class itself: a mark inherited from a marked parent does not count.
    return model_class.__dict__.get("schema_placement")


def citus_table_of(model_class) -> CitusTable | None:
    return model_class.__dict__.get("citus_table")


PROJECT_PACKAGES = ("platform_core", "tenants", "onboarding", "shared_services")


def _is_project_app(app_name: str) -> bool:
    return app_name.split(".")[0] in PROJECT_PACKAGES


def marking_problems(models, *, shared_apps, tenant_apps) -> list[str]:
    """Everything wrong with where `models` say they live; an empty list when all is well."""
    problems = []

    def public_only(model):
        app = model._meta.app_config.name
        return app in shared_apps and app not in tenant_apps

    def tenant_only(model):
        app = model._meta.app_config.name
        return app in tenant_apps and app not in shared_apps

    for model in models:
        if model._meta.auto_created:
            continue
        label = model._meta.label
        app = model._meta.app_config.name
        if _is_project_app(app):
            placement = placement_of(model)
            if placement is None:
                problems.append(f"{label} is not marked with @public_model, @reference_model or @tenant_model")
            elif placement == SchemaPlacement.PUBLIC and not public_only(model):
                problems.append(f"{label} is marked public but its app {app} is not only in SHARED_APPS")
            elif placement == SchemaPlacement.TENANT and not tenant_only(model):
                problems.append(f"{label} is marked tenant but its app {app} is not only in TENANT_APPS")
        if public_only(model):
            for field in model._meta.get_fields():
                if field.is_relation and field.concrete and field.related_model and tenant_only(field.related_model):
                    problems.append(
                        f"{label}.{field.name} points from the public schema into unit schemas "
                        f"({field.related_model._meta.label})"
                    )
        if tenant_only(model):
            for field in model._meta.get_fields():
                if not (field.is_relation and field.related_model and public_only(field.related_model)):
                    continue
                if field.many_to_many and field.concrete:
                    problems.append(
                        f"{label}.{field.name} is a many-to-many table of foreign keys from unit schemas into the "
                        f"public schema ({field.related_model._meta.label}): keep the public rows' slugs or ids"
                    )
                elif field.concrete and getattr(field, "db_constraint", False):
                    problems.append(
                        f"{label}.{field.name} is a foreign key from unit schemas into the public schema "
                        f"({field.related_model._meta.label}): use platform_core.public_references.public_reference"
                        + ("" if _reference(field.related_model) else " (Citus refuses it too: not a reference table)")
                    )
        if _reference(model):
            for field in model._meta.get_fields():
                if _foreign_key(field) and not _reference(field.related_model):
                    problems.append(
                        f"{label}.{field.name} is a foreign key from a reference table to a table that is not one "
                        f"({field.related_model._meta.label}): Citus refuses it; mark that model @reference_model"
                    )
    return problems


def _reference(model) -> bool:
    return citus_table_of(model) == CitusTable.REFERENCE


def _foreign_key(field) -> bool:
    return field.is_relation and field.concrete and not field.many_to_many and getattr(field, "db_constraint", False)
