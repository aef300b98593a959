"""Every model says where its table lives: the public schema or every unit's schema.

Adapted from Sentry's silo decorators. django-tenants decides placement by app lists (SHARED_APPS,
TENANT_APPS); the mark states the intent on the model itself, and tests/test_schema_marking.py fails when
a model is unmarked, its app sits in the wrong list, or a public model has a foreign key into a unit's
schema (such a key would point at a table that does not exist in the public schema).
"""

from enum import Enum


class SchemaPlacement(str, Enum):
    PUBLIC = "public"
    TENANT = "tenant"


def _mark(placement: SchemaPlacement):
    def decorator(model_class):
        model_class.schema_placement = placement
        return model_class

    return decorator


public_model = _mark(SchemaPlacement.PUBLIC)
public_model.__doc__ = "The model's table lives in the public schema (regional data, operator side)."
tenant_model = _mark(SchemaPlacement.TENANT)
tenant_model.__doc__ = "The model's table lives in each unit's schema (that unit's own data)."


def placement_of(model_class) -> SchemaPlacement | None:
    # Read from the class itself: a mark inherited from a marked parent does not count.
    return model_class.__dict__.get("schema_placement")
