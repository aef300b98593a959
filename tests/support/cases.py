"""Cases in the office's inbox, made directly in the current unit's schema: for tests of the list, not of intake."""

from datetime import timedelta

from django.utils import timezone

from shared_services.eforms.models import Submission, UnitForm, UnitFormVersion
from shared_services.inbox.models import Case, RegisterEntry
from shared_services.payments.models import Payment

YEAR = timezone.localdate().year


def cases_filed(count: int, *, first_number: int = 1, **overrides) -> list[Case]:
    """`count` filed applications with their register entries, cases and fees, in the current unit's schema,
    made directly (filing through the form takes a receipt's signature each): number n was received n hours
    after the first. `overrides` apply to every one: sender_name, subject, data, status, sign, deadline, …"""
    form = UnitForm.objects.get_or_create(slug="pismo", defaults={"name": "Pismo"})[0]
    version = UnitFormVersion.objects.filter(form=form).first() or UnitFormVersion.objects.create(
        form=form, number=1, json_schema={"type": "object"}
    )
    start = timezone.now() - timedelta(days=30)
    submissions = Submission.objects.bulk_create(
        Submission(
            unit_form_version=version,
            service_key="own:pismo",
            service_name=overrides.get("subject", "Pismo ogólne"),
            data=overrides.get("data", {"imie": "Jan", "tresc": f"Pismo numer {first_number + n}"}),
        )
        for n in range(count)
    )
    entries = RegisterEntry.objects.bulk_create(
        RegisterEntry(
            year=YEAR,
            number=first_number + n,
            received_at=start + timedelta(hours=first_number + n),
            submission=submission,
            sender_name=overrides.get("sender_name", "Jan Nowak"),
            sender_email=overrides.get("sender_email", "jan@example.pl"),
            subject=overrides.get("subject", "Pismo ogólne"),
        )
        for n, submission in enumerate(submissions)
    )
    Payment.objects.bulk_create(
        Payment(submission=submission, provider="office", amount_grosze=1700, description="Opłata")
        for submission in submissions
    )
    case_fields = {
        name: overrides[name] for name in ("status", "deadline", "department", "assignee") if name in overrides
    }
    cases = Case.objects.bulk_create(Case(register_entry=entry, **case_fields) for entry in entries)
    if "sign" in overrides:
        for n, case in enumerate(cases):
            case.sign = overrides["sign"] if count == 1 else f"{overrides['sign']}.{n}"
            case.save(update_fields=["sign"])
    return cases


def cases_remove() -> None:
    """Everything cases_filed made in the current unit's schema (for tests that commit it for a live server)."""
    made = {"unit_form_version__form__slug": "pismo"}
    Case.objects.filter(**{f"register_entry__submission__{key}": value for key, value in made.items()}).delete()
    RegisterEntry.objects.filter(**{f"submission__{key}": value for key, value in made.items()}).delete()
    Payment.objects.filter(**{f"submission__{key}": value for key, value in made.items()}).delete()
    Submission.objects.filter(**made).delete()
    UnitForm.objects.filter(slug="pismo").update(current=None)
    UnitFormVersion.objects.filter(form__slug="pismo").delete()
    UnitForm.objects.filter(slug="pismo").delete()
