"""Tokens of the office's systems (EZD) for the inbox's REST API (each unit's schema).

A token is `rtz_<prefix>_<secret>`. Only the prefix (to find the row and to show which token is which) and
the SHA-256 of the secret are stored; the whole token is shown once, when it is issued. The table lives in
the unit's schema, so a token is known only on its own unit's subdomain.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


class ApiScope(models.TextChoices):
    REGISTER_READ = "register:read", _("read the register, the applications, their receipts and attachments")
    CASES_READ = "cases:read", _("read the cases")


@tenant_model
class ApiToken(models.Model):
    name = models.CharField(_("system"), max_length=100, help_text=_("Which system will use the token, e.g. EZD RP."))
    prefix = models.CharField(_("token prefix"), max_length=8, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=32, choices=ApiScope.choices), verbose_name=_("scopes"), default=list
    )
    created_at = models.DateTimeField(_("issued"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} (rtz_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def scope_labels(self) -> list[str]:
        labels = dict(ApiScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
