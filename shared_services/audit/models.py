"""The unit's audit trail: append-only entries, each holding the hash of the one before (a hash chain).

Each unit's schema has its own chain. Nothing in the database enforces append-only (no triggers: the
template copy of tenants/schema_template.py cannot reproduce them); instead any change is detectable:
`shared_services.audit.selectors.audit_check` recomputes the chain, and `AuditHead` remembers the last
entry so that deleting the last entries is detected as well. Writes go through
`shared_services.audit.services.audit_record` only; the ORM here refuses to update or delete entries.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model

ZERO_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Audit entries are never changed or deleted through the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are append-only")

    def delete(self):
        raise AppendOnlyError("audit entries are append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries are append-only")


@tenant_model
class AuditEntry(models.Model):
    """One recorded event. `entry_hash` is SHA-256 of the entry's content and `previous_hash`
    (see shared_services.audit.chain.entry_hash_compute)."""

    sequence = models.PositiveBigIntegerField(_("entry number"), unique=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    actor = models.CharField(_("who"), max_length=300)
    action = models.CharField(_("action"), max_length=100)
    target = models.CharField(_("concerns"), max_length=300, db_index=True)
    before = models.JSONField(_("before the change"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after the change"), null=True, blank=True, encoder=DjangoJSONEncoder)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [models.CheckConstraint(condition=models.Q(sequence__gte=1), name="audit_sequence_positive")]

    def __str__(self):
        return f"{self.sequence} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are append-only")


@tenant_model
class AuditHead(models.Model):
    """The end of the unit's chain: the last entry's number and hash, advanced with every entry under this
    row's lock (which also makes numbers gapless). One row per unit schema (enforced by `singleton`)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=ZERO_HASH)

    class Meta:
        verbose_name = _("audit trail head")
        verbose_name_plural = _("audit trail heads")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="audit_head_singleton")]

    def __str__(self):
        return f"{self.last_sequence} {self.last_hash}"
