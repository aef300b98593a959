"""Usage facts and their monthly roll-up, in the public schema (see docs/usage-indicators.md).

A fact is what one intake, case closing or online payment adds to the indicators, and nothing more: the unit,
the service's key (a standard service's slug, `own` for a unit's own service, empty for a letter), the channel,
the day, a duration or an amount. No name, address, text or identifier of a person leaves the unit's schema.
`source_id` is the row's id in the unit's schema (no key crosses schemas), so that a backfill never counts a
row twice. The regional dashboard reads the monthly tables below, which `services.usage_rollup` rebuilds from
the facts; a unit's own view reads its facts directly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from platform_core.schema_marking import public_model


class FactKind(models.TextChoices):
    INTAKE = "intake", _("application or letter received")
    CLOSING = "closing", _("case closed")
    PAYMENT = "payment", _("fee paid online")


class FactChannel(models.TextChoices):
    ELECTRONIC = "electronic", _("electronically")
    PAPER = "paper", _("on paper")
    EMAIL = "email", _("by e-mail")


OWN_SERVICE = "own"  # the service key of every unit's own service: they are not comparable across units


@public_model
class UsageFact(models.Model):
    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=FactKind.choices)
    source_id = models.PositiveBigIntegerField()  # the register entry, case or payment in the unit's schema
    service_key = models.CharField(max_length=100, blank=True)
    channel = models.CharField(max_length=12, choices=FactChannel.choices)
    day = models.DateField()  # received, closed or paid, in TIME_ZONE
    duration_days = models.PositiveIntegerField(null=True)  # closing: calendar days from receipt to closing
    late = models.BooleanField(null=True)  # closing: closed after its deadline
    amount_grosze = models.PositiveBigIntegerField(null=True)  # payment
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("usage fact")
        verbose_name_plural = _("usage facts")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "source_id"], name="usage_fact_once")]
        indexes = [
            models.Index(fields=["unit", "day"], name="usage_fact_unit_day"),
            models.Index(fields=["day"], name="usage_fact_day"),
            models.Index(fields=["recorded_at"], name="usage_fact_recorded"),
        ]


@public_model
class UnitMonth(models.Model):
    """A unit's month: what its facts add up to."""

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day
    applications = models.PositiveIntegerField(default=0)  # filed electronically
    letters = models.PositiveIntegerField(default=0)  # registered on paper or from e-mail, opening a case
    closed = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    payments = models.PositiveIntegerField(default=0)
    paid_grosze = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("unit's month of usage")
        verbose_name_plural = _("units' months of usage")
        constraints = [models.UniqueConstraint(fields=["month", "unit"], name="usage_unit_month_once")]


class _Sums(models.Model):
    applications = models.PositiveIntegerField(default=0)  # filed electronically
    letters = models.PositiveIntegerField(default=0)  # registered on paper or from e-mail, opening a case
    closed = models.PositiveIntegerField(default=0)
    closed_late = models.PositiveIntegerField(default=0)
    payments = models.PositiveIntegerField(default=0)
    paid_grosze = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


@public_model
class UnitSpan(_Sums):
    """A unit's sums over a span of whole months (the longer periods the pages offer: the last 12 months, a
    year), added up from `UnitMonth` by each roll-up so that a page of a long period does not add up every
    unit's every month. A span the roll-up has not made yet is added up on the page instead."""

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    first = models.DateField()
    last = models.DateField()

    class Meta:
        verbose_name = _("unit's sums over months")
        verbose_name_plural = _("units' sums over months")
        constraints = [models.UniqueConstraint(fields=["first", "last", "unit"], name="usage_unit_span_once")]


@public_model
class RegionMonth(_Sums):
    """Every unit's month added up: the dashboard's months, without adding up every unit's month."""

    month = models.DateField(unique=True)

    class Meta:
        verbose_name = _("region's month of usage")
        verbose_name_plural = _("region's months of usage")


@public_model
class ServiceMonth(models.Model):
    """Applications filed electronically for a service in a month, across the region."""

    month = models.DateField()
    service_key = models.CharField(max_length=100)
    applications = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("service's month of usage")
        verbose_name_plural = _("services' months of usage")
        constraints = [models.UniqueConstraint(fields=["month", "service_key"], name="usage_service_month_once")]


@public_model
class DurationMonth(models.Model):
    """How many cases closed in a month, by units of a kind, took each whole number of days: a histogram, so that
    the median and the 90th percentile of any period are exact to the day."""

    month = models.DateField()
    unit_kind = models.CharField(max_length=30)
    days = models.PositiveIntegerField()
    closed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("handling times of a month")
        verbose_name_plural = _("handling times of months")
        constraints = [models.UniqueConstraint(fields=["month", "unit_kind", "days"], name="usage_duration_month_once")]


@public_model
class OverdueCount(models.Model):
    """A unit's open and overdue cases as counted on a day (once a day, in every unit's schema)."""

    unit = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    open_cases = models.PositiveIntegerField()
    overdue_cases = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("count of overdue cases")
        verbose_name_plural = _("counts of overdue cases")
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="usage_overdue_count_once")]


@public_model
class MaturityMix(models.Model):
    """What units offer now, by the maturity level of the standard service's published card (level 0: units' own
    services, which have none); rebuilt by every roll-up, so the dashboard does not count every offering."""

    level = models.PositiveSmallIntegerField(unique=True)
    services = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("services offered at a maturity level")
        verbose_name_plural = _("services offered by maturity level")


@public_model
class RollupState(models.Model):
    """One row: facts recorded before `facts_until` have been rolled up (less a margin for long transactions)."""

    facts_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("state of the usage roll-up")
        verbose_name_plural = _("state of the usage roll-up")
