"""The fields a clerk writes in a letter template, as `{{ znak_sprawy }}`, and filling them in.

Plain substitution, not Django's template engine: a template is written by office staff and read by
residents, so it can only name a field from FIELDS; tags, filters and anything else in braces are refused
when the template is saved. Filled values are plain text: the case page escapes them in HTML and the PDF
escapes them in its markup.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# What is left of braces once the fields are taken out: a tag, a comment, a filter or a half-written field.
STRAY_BRACES = re.compile(r"\{[{%#]|[}%#]\}")
# A value the case does not have yet: shown so that the clerk sees what to fill in before sending.
MISSING = "[…]"

FIELDS = {
    "wnioskodawca": gettext_lazy("the applicant's name (or the name of the firm)"),
    "adres_wnioskodawcy": gettext_lazy("the applicant's postal address, as given in the application"),
    "email_wnioskodawcy": gettext_lazy("the applicant's e-mail address"),
    "znak_sprawy": gettext_lazy("the case sign, e.g. SO.5340.1.2026"),
    "numer_w_rejestrze": gettext_lazy("the number in the register of incoming correspondence, e.g. 12/2026"),
    "data_wplywu": gettext_lazy("the date the application was received"),
    "data_pisma": gettext_lazy("today's date, the letter's date"),
    "termin_zalatwienia": gettext_lazy("the case's deadline"),
    "usluga": gettext_lazy("the service the application was filed for"),
    "prowadzacy": gettext_lazy("the name of the clerk the case is assigned to"),
    "stanowisko_prowadzacego": gettext_lazy("that clerk's position"),
    "wydzial": gettext_lazy("the department handling the case"),
    "nazwa_urzedu": gettext_lazy("the unit's name"),
    "adres_urzedu": gettext_lazy("the unit's address"),
    "telefon_urzedu": gettext_lazy("the unit's telephone"),
    "email_urzedu": gettext_lazy("the unit's e-mail address"),
}


def fields_check(text: str) -> None:
    """Refuse a text with a field not in FIELDS or with braces that are not a field, naming what is wrong and
    every field there is."""
    unknown = sorted({name for name in FIELD.findall(text) if name not in FIELDS})
    problems = []
    if unknown:
        problems.append(
            _("Unknown fields: %(fields)s.") % {"fields": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}
        )
    if STRAY_BRACES.search(FIELD.sub("", text)):
        problems.append(_("Braces are only for fields, written as {{ name_of_the_field }}; nothing else is allowed."))
    if problems:
        available = ", ".join(f"{{{{ {name} }}}}" for name in FIELDS)
        raise ValidationError(" ".join([*problems, _("Available fields: %(fields)s.") % {"fields": available}]))


def fields_fill(text: str, values: dict[str, str]) -> str:
    """`text` with each field replaced by its value; a field without a value becomes MISSING."""
    return FIELD.sub(lambda match: values.get(match.group(1)) or MISSING, text)
