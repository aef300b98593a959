"""What a letter is made of, whatever prints it: the unit's letterhead, the case's facts, the addressee, the
subject and body the clerk approved, and who signs it."""

import re
from dataclasses import dataclass
from datetime import date

from .fields import fields_fill

POSTAL_TOWN = re.compile(r"\b\d{2}-\d{3}\s+(.+)$")


@dataclass(frozen=True)
class Letterhead:
    """The unit as its letters present it (from its branding)."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    colour: str = "#1d3f7a"
    coat_of_arms: bytes | None = None  # PNG or JPEG, as the branding page accepts

    @property
    def place(self) -> str:
        """The town of the address's postal code line ("87-100 Toruń" → "Toruń"), where letters are dated."""
        for line in reversed(self.address.splitlines()):
            found = POSTAL_TOWN.search(line.strip())
            if found:
                return found.group(1).strip()
        return ""

    def fields(self) -> dict[str, str]:
        return {
            "nazwa_urzedu": self.name,
            "adres_urzedu": ", ".join(line.strip() for line in self.address.splitlines() if line.strip()),
            "telefon_urzedu": self.phone,
            "email_urzedu": self.email,
        }


@dataclass(frozen=True)
class Signatory:
    name: str
    position: str = ""
    department: str = ""


@dataclass(frozen=True)
class Letter:
    letterhead: Letterhead
    date: date
    sign: str  # the znak sprawy, or the register number of a case not registered yet
    addressee: tuple[str, ...]  # name, then address lines
    subject: str
    body: str
    signatory: Signatory


def letter_draft(template, values: dict[str, str]) -> tuple[str, str]:
    """The template's subject and body filled with `values` (the case's and the unit's fields)."""
    return fields_fill(template.subject, values), fields_fill(template.body, values)


MONTHS_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def date_written(day: date | None) -> str:
    """A date as Polish letters write it ("5 stycznia 2026 r."), whatever the reader's interface language:
    a letter is an official Polish document."""
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} r." if day else ""
