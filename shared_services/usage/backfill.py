"""Usage facts from what a unit's schema already holds: for units (or a deployment) older than the facts, and the
demo. Reads the current unit's register, cases and payments; writes nothing but facts (duplicates are skipped,
so it can be repeated)."""

from django.db import connection
from django.utils import timezone

from shared_services.inbox.models import Case, CaseStatus, EntryKind, RegisterEntry
from shared_services.payments.models import Payment, PaymentStatus
from shared_services.payments.registry import providers

from .services import closing_fact, facts_store, intake_fact, overdue_count_record, payment_fact

_BATCH = 2000


def unit_facts_backfill() -> int:
    """Record the facts of the current unit's intakes, closings and online payments; returns how many rows were
    read (facts already there are left as they are)."""
    unit_id = connection.tenant.pk
    facts = []
    # Applications, and letters that opened a case (an answer, or a letter put into an existing case, did not).
    entries = (
        RegisterEntry.objects.filter(case__isnull=False, kind__in=[EntryKind.APPLICATION, EntryKind.LETTER])
        .select_related("submission")
        .only("pk", "channel", "received_at", "submission__service_key")
    )
    for entry in entries.iterator(chunk_size=_BATCH):
        key = entry.submission.service_key if entry.submission_id else ""
        facts.append(intake_fact(unit_id=unit_id, entry=entry, service_key=key))
    closed = (
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__isnull=False)
        .select_related("register_entry__submission")
        .only(
            "pk",
            "deadline",
            "closed_at",
            "register_entry__channel",
            "register_entry__received_at",
            "register_entry__submission__service_key",
        )
    )
    for case in closed.iterator(chunk_size=_BATCH):
        entry = case.register_entry
        key = entry.submission.service_key if entry.submission_id else ""
        facts.append(closing_fact(unit_id=unit_id, case=case, entry=entry, service_key=key))
    online = [provider.key for provider in providers() if provider.online]
    paid = Payment.objects.filter(status=PaymentStatus.PAID, provider__in=online, paid_at__isnull=False)
    for payment in paid.select_related("submission").iterator(chunk_size=_BATCH):
        facts.append(payment_fact(unit_id=unit_id, payment=payment, service_key=payment.submission.service_key))
    for start in range(0, len(facts), _BATCH):
        facts_store(facts[start : start + _BATCH])
    return len(facts)


def unit_overdue_count() -> None:
    """Count the current unit's open and overdue cases today (see Case.overdue_q) and keep the count."""
    today = timezone.localdate()
    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED)
    overdue_count_record(
        unit_id=connection.tenant.pk,
        day=today,
        open_cases=open_cases.count(),
        overdue_cases=Case.objects.filter(Case.overdue_q(today)).count(),
    )
