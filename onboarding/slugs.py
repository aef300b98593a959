"""Subdomains for units: readable, ASCII, and the same whatever order units join in.

Every unit's slug is decided over the whole TERC register at once, so Bolesławiec (urban) and
Bolesławiec (rural) get `miasto-boleslawiec` and `gmina-boleslawiec` whichever joins first. A name
used once keeps the plain form (`torun`, `lubicz`); names used more than once take, step by step,
the kind (`miasto-`/`gmina-`), then the powiat, then the voivodeship, until they are unique.
Powiats are always `powiat-<name>`, so a powiat never competes with a gmina of the same name.
"""

from collections import Counter
from functools import cache

from django.utils.text import slugify

from tenants.codes import CITY_WITH_POWIAT_RIGHTS_FROM
from tenants.models import RESERVED_SLUGS, UnitKind

from .terc import TercUnit, units_by_code

# NFKD (used by slugify) decomposes ą, ć, ę, ń, ó, ś, ź, ż into a base letter and a mark, but not ł.
_POLISH_WITHOUT_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L"})

_KIND_WORD = {
    UnitKind.GMINA_MIEJSKA: "miasto",
    UnitKind.MIASTO_NA_PRAWACH_POWIATU: "miasto",
    UnitKind.GMINA_WIEJSKA: "gmina",
    UnitKind.GMINA_MIEJSKO_WIEJSKA: "gmina",
}


def polish_slug(text: str) -> str:
    """ASCII subdomain label from a Polish name: "Łódź" → "lodz", "Świdnik" → "swidnik"."""
    return slugify(text.translate(_POLISH_WITHOUT_DECOMPOSITION))


def _candidates(unit: TercUnit, register: dict[str, TercUnit]) -> list[str]:
    """From the plainest to the most specific."""
    name = polish_slug(unit.name)
    voivodeship = polish_slug(register[unit.code[:2]].name)
    if unit.kind == UnitKind.WOJEWODZTWO:
        return [name, f"wojewodztwo-{name}"]
    if unit.kind == UnitKind.POWIAT:
        return [f"powiat-{name}", f"powiat-{name}-{voivodeship}"]
    kind = _KIND_WORD[unit.kind]
    if int(unit.code[2:4]) >= CITY_WITH_POWIAT_RIGHTS_FROM:
        return [name, f"{kind}-{name}", f"{kind}-{name}-{voivodeship}"]
    powiat = polish_slug(register[unit.code[:4]].name)
    return [
        name,
        f"{kind}-{name}",
        f"{name}-{powiat}",
        f"{kind}-{name}-{powiat}",
        f"{kind}-{name}-{powiat}-{voivodeship}",
    ]


@cache
def register_slugs() -> dict[str, str]:
    """TERC code → subdomain for every unit in the register."""
    register = units_by_code()
    candidates = {code: _candidates(unit, register) for code, unit in register.items()}
    slugs: dict[str, str] = {}
    taken = set(RESERVED_SLUGS)
    remaining = sorted(candidates)
    for level in range(max(map(len, candidates.values()))):
        proposals = {code: candidates[code][min(level, len(candidates[code]) - 1)] for code in remaining}
        uses = Counter(proposals.values())
        for code in remaining:
            slug = proposals[code]
            if uses[slug] == 1 and slug not in taken:
                slugs[code] = slug
                taken.add(slug)
        remaining = [code for code in remaining if code not in slugs]
    for code in remaining:  # never reached with the 2024 register; kept unique whatever GUS publishes
        slugs[code] = f"{candidates[code][-1]}-{code}"
    return slugs
