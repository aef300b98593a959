from django.db import models

from platform_core.schema_marking import tenant_model


@tenant_model
class BenchRecord(models.Model):
    """One table in every unit's schema, only so that the benchmark has a migration of its own to apply.

    The model keeps the v1 state; migrations_v2/0002 adds a nullable column the model does not read.
    """

    label = models.CharField(max_length=50)
