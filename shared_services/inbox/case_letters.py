"""Letters on a case: a template filled with the case's facts (the fields of letters/fields.py), and the letter
the clerk approved printed as a PDF for the case's request or reply."""

from django.core.files.base import ContentFile
from django.utils import timezone

from shared_services.letters.letter import Letter, date_written
from shared_services.letters.pdf import letter_pdf
from shared_services.letters.selectors import signatory_of

from .models import Case

# Where the forms keep the applicant's postal address: one field, or street with postal code and town.
_ADDRESS_FIELD = "adres_pocztowy"
_STREET, _POSTCODE, _TOWN = "ulica", "kod_pocztowy", "miejscowosc"


def applicant_address(data: dict) -> list[str]:
    """The applicant's postal address as lines, from the application's answers (empty when not given)."""
    if str(data.get(_ADDRESS_FIELD) or "").strip():
        return [line.strip() for line in str(data[_ADDRESS_FIELD]).splitlines() if line.strip()]
    town = " ".join(str(data.get(key) or "").strip() for key in (_POSTCODE, _TOWN)).strip()
    return [line for line in (str(data.get(_STREET) or "").strip(), town) if line]


def case_letter_fields(case: Case, head) -> dict[str, str]:
    """The values of every field for `case`, with the unit's from its letterhead `head`."""
    entry = case.register_entry
    submission = entry.submission
    assignee = signatory_of(case.assignee) if case.assignee_id else None
    return {
        "wnioskodawca": entry.sender_name,
        "adres_wnioskodawcy": ", ".join(applicant_address(submission.data)),
        "email_wnioskodawcy": entry.sender_email or submission.contact_email,
        "znak_sprawy": case.sign,
        "numer_w_rejestrze": entry.label,
        "data_wplywu": date_written(timezone.localdate(entry.received_at)),
        "data_pisma": date_written(timezone.localdate()),
        "termin_zalatwienia": date_written(case.deadline),
        "usluga": submission.service_name,
        "prowadzacy": assignee.name if assignee else "",
        "stanowisko_prowadzacego": assignee.position if assignee else "",
        "wydzial": case.department.name if case.department_id else "",
        **head.fields(),
    }


def case_letter_pdf(case: Case, *, user, subject: str, body: str, head) -> ContentFile:
    """The letter as a PDF file named after the case, to attach to the request or reply; `user` signs it."""
    entry = case.register_entry
    addressee = applicant_address(entry.submission.data) or [entry.sender_email]
    letter = Letter(
        letterhead=head,
        date=timezone.localdate(),
        sign=case.sign or entry.label,
        addressee=(entry.sender_name, *addressee),
        subject=subject,
        body=body,
        signatory=signatory_of(user),
    )
    return ContentFile(letter_pdf(letter), name=f"pismo-{case.file_stem}.pdf")
