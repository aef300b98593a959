"""Selectors for the participation dashboard: how many units use the platform, of which kinds, where, since when.

Pure reads. Everything comes from one aggregate query over the unit registry (`_active_unit_groups`):
active units grouped by kind, powiat part of the code (WWPP) and activation day, which is then folded in
Python into the separate series. The query returns at most one row per unit and usually far fewer.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.db.models import Count, Min
from django.db.models.functions import Substr, TruncDate
from django.utils.translation import gettext

from tenants.models import Tenant, UnitKind, UnitStatus

from .terc import powiat_label, units_by_code

# Polish alphabetical order, so that "Łysomice" sorts after "Lubicz" and not after "Zławieś".
_POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_POLISH_ORDER = {letter: 200 + index for index, letter in enumerate(_POLISH_ALPHABET)}


@dataclass(frozen=True)
class Participation:
    participating: int
    target: int
    by_kind: list[tuple[str, int]]
    """(kind label, units) for every kind, most units first, then in the order of `UnitKind`."""
    by_powiat: list[tuple[str, int]]
    """(powiat label, units), most units first, then by name."""
    onboarding: list[tuple[date, int, int]]
    """(day, units activated that day, participating units activated up to that day), oldest first."""
    undated: int
    """Participating units with no recorded activation date: counted, but absent from `onboarding`."""

    @property
    def percent(self) -> int | None:
        """Participating units as a percentage of the target, rounded down; None when there is no target."""
        if self.target <= 0:
            return None
        return self.participating * 100 // self.target

    @property
    def target_reached(self) -> bool:
        return self.participating >= self.target


def participation_summary(*, target: int) -> Participation:
    groups = list(_active_unit_groups())

    participating = sum(group["units"] for group in groups)

    kinds = Counter()
    powiats = Counter()  # by WWPP: powiats of the same name exist in different voivodeships
    days = Counter()
    labels = {}
    for group in groups:
        kinds[group["kind"]] += group["units"]
        label = powiat_label_cached(group["code"])
        powiat = group["powiat"] if label else ""
        labels[powiat] = label or gettext("voivodeship and other units")
        powiats[powiat] += group["units"]
        if group["day"] is not None:
            days[group["day"]] += group["units"]
    label_uses = Counter(labels.values())
    for powiat, label in labels.items():
        if label_uses[label] > 1:
            labels[powiat] = f"{label} ({units_by_code()[powiat[:2]].name.lower()})"

    kind_order = {kind: index for index, kind in enumerate(UnitKind.values)}
    by_kind = [
        (UnitKind(kind).label, kinds[kind])
        for kind in sorted(UnitKind.values, key=lambda kind: (-kinds[kind], kind_order[kind]))
    ]
    by_powiat = sorted(
        ((labels[powiat], count) for powiat, count in powiats.items()),
        key=lambda item: (-item[1], polish_sort_key_cached(item[0])),
    )

    onboarding = []
    total = 0
    for day in sorted(days):
        total += days[day]
        onboarding.append((day, days[day], total))

    return Participation(
        participating=participating,
        target=target,
        by_kind=by_kind,
        by_powiat=by_powiat,
        onboarding=onboarding,
        undated=participating - total,
    )


def _active_unit_groups():
    """Active units counted per (kind, powiat part of the code, activation day): one query.

    `powiat_label` depends only on the first four characters of a code (WWPP), so any code of the group
    (here the smallest) names the group's powiat. The day is the calendar day in TIME_ZONE.
    """
    return (
        Tenant.objects.filter(status=UnitStatus.ACTIVE)
        .values("kind", powiat=Substr("code", 1, 4), day=TruncDate("activated_at"))
        .annotate(units=Count("pk"), code=Min("code"))
        .order_by()
    )


def _polish_sort_key(text: str) -> tuple:
    """Letters in Polish order; spaces, hyphens and digits before letters; other letters after them."""
    folded = text.casefold()
    return tuple(
        _POLISH_ORDER.get(letter, 1000 + ord(letter) if letter.isalpha() else ord(letter)) for letter in folded
    ), folded


# The same few hundred powiats on every dashboard page (a group per unit at 2,807 units): named and sorted once
# per process. The register behind powiat_label is fixed for the process's life.
powiat_label_cached = lru_cache(maxsize=8192)(powiat_label)
polish_sort_key_cached = lru_cache(maxsize=8192)(_polish_sort_key)
