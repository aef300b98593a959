from django.db import models

from platform_core.schema_marking import tenant_model


@tenant_model
class BareSubmission(models.Model):
    """One POSTed form as JSON, with no register, receipt, case, file storage or session: the baseline."""

    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
