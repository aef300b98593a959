"""Reads of letter templates, the unit's letterhead, and the sample case previews are filled with."""

from django.db.models import QuerySet
from django.utils import translation

from shared_services.branding.selectors import branding_get
from shared_services.identity.access import StaffRole, office_role
from shared_services.identity.people import person_name

from .letter import Letterhead, Signatory
from .models import LetterTemplate

# A made-up case for previews of a template (its page and its PDF): the unit's own fields come from its
# branding, so the preview shows the real letterhead.
SAMPLE_CASE_FIELDS = {
    "wnioskodawca": "Anna Przykładowa",
    "adres_wnioskodawcy": "ul. Przykładowa 1/2, 00-001 Przykładowo",
    "email_wnioskodawcy": "anna.przykladowa@example.pl",
    "znak_sprawy": "SO.5340.1.2026",
    "numer_w_rejestrze": "1/2026",
    "data_wplywu": "2 stycznia 2026 r.",
    "data_pisma": "5 stycznia 2026 r.",
    "termin_zalatwienia": "2 lutego 2026 r.",
    "usluga": "Wydanie dowodu osobistego",
    "prowadzacy": "Jan Urzędniczy",
    "stanowisko_prowadzacego": "inspektor",
    "wydzial": "Wydział Spraw Obywatelskich",
}


def letter_templates(*, active_only: bool = False, kinds=None) -> QuerySet:
    templates = LetterTemplate.objects.all()
    if active_only:
        templates = templates.filter(active=True)
    if kinds is not None:
        templates = templates.filter(kind__in=kinds)
    return templates


def letterhead() -> Letterhead:
    """The current unit's letterhead, from its branding (with its coat of arms, if it has one)."""
    branding = branding_get()
    coat_of_arms = None
    if branding.coat_of_arms:
        with branding.coat_of_arms.open("rb") as image:
            coat_of_arms = image.read()
    return Letterhead(
        name=branding.display_name,
        address=branding.address,
        phone=branding.phone,
        email=branding.email,
        website=branding.bip_url,
        colour=branding.primary_colour,
        coat_of_arms=coat_of_arms,
    )


def signatory_of(user) -> Signatory:
    """Who signs: the person's name, their role as a position and their department, in Polish whatever the
    interface language (the letter is)."""
    role = office_role(user)
    member = getattr(user, "staff_member", None)
    department = member.department.name if member and member.department_id else ""
    with translation.override("pl"):
        position = str(StaffRole(role).label) if role else ""
    return Signatory(name=person_name(user), position=position, department=department)


def sample_letter_fields(letterhead: Letterhead) -> dict[str, str]:
    return {**SAMPLE_CASE_FIELDS, **letterhead.fields()}
