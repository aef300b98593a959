"""Payments of fees, in each unit's schema: the unit's provider configurations (its own merchant account),
one payment per filed application that carries a fee, and refunds. Amounts are integers in grosze."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import tenant_model


@tenant_model
class ProviderConfig(models.Model):
    """A payment provider as this unit configured it. Non-secret settings (merchant id, POS id, sandbox or
    production) are in `options`; secrets (CRC key, API key) only encrypted, in `secrets_encrypted`
    (shared_services.payments.crypto)."""

    provider = models.CharField(_("provider"), max_length=40, unique=True)
    enabled = models.BooleanField(_("enabled"), default=False)
    options = models.JSONField(default=dict, blank=True)
    secrets_encrypted = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payment provider configuration")
        verbose_name_plural = _("payment provider configurations")

    def __str__(self):
        return self.provider


class PaymentStatus(models.TextChoices):
    AWAITING = "awaiting", _("awaiting payment")
    PAID = "paid", _("paid")
    FAILED = "failed", _("payment failed or expired")


@tenant_model
class Payment(models.Model):
    """The fee of one filed application. The application is filed whatever happens to its payment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.OneToOneField("eforms.Submission", on_delete=models.PROTECT, related_name="payment")
    provider = models.CharField(_("provider"), max_length=40)
    status = models.CharField(
        _("payment status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.AWAITING, db_index=True
    )
    amount_grosze = models.PositiveIntegerField(_("amount (grosze)"))
    currency = models.CharField(max_length=3, default="PLN")
    description = models.CharField(max_length=250)
    email = models.EmailField(blank=True)
    # The provider's session of the current attempt (unique in the unit: the unit's schema prefixes it), and
    # those of earlier attempts, whose late notifications still belong to this payment.
    session_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    earlier_session_ids = models.JSONField(default=list, blank=True)
    # The attempt the money came in (the current one, or an earlier tab paid late); refunds name it.
    paid_session_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    token = models.CharField(max_length=100, blank=True)
    redirect_url = models.URLField(max_length=500, blank=True)
    token_created_at = models.DateTimeField(null=True, blank=True)
    order_id = models.BigIntegerField(_("order id"), null=True, blank=True)  # may exceed int32 (P24 docs)
    method_id = models.IntegerField(null=True, blank=True)
    statement = models.CharField(max_length=100, blank=True)
    refunded_grosze = models.PositiveIntegerField(_("refunded (grosze)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # failed or expired

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_grosze__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(refunded_grosze__lte=models.F("amount_grosze")), name="payments_refund_at_most_paid"
            ),
        ]

    def __str__(self):
        return f"{self.public_id} ({self.status})"

    @property
    def session_ids(self) -> list[str]:
        return [self.session_id, *self.earlier_session_ids] if self.session_id else list(self.earlier_session_ids)

    @property
    def refundable_grosze(self) -> int:
        return self.amount_grosze - self.refunded_grosze if self.status == PaymentStatus.PAID else 0


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    DONE = "done", _("refunded")
    REJECTED = "rejected", _("rejected")


@tenant_model
class Refund(models.Model):
    """A full or partial refund of a paid fee, requested by the office; done when the provider says so."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_grosze = models.PositiveIntegerField(_("amount (grosze)"))
    request_id = models.CharField(max_length=45, unique=True)
    refunds_uuid = models.CharField(max_length=35, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_grosze__gt=0), name="payments_refund_amount_positive")
        ]
