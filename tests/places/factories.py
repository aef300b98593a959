"""Cases to put places on, made directly in the current unit's schema (tests.support.cases)."""

from tests.support.cases import cases_filed

_made = {"count": 0}


def case_make():
    """One more case of the current unit, with a register number of its own."""
    _made["count"] += 1
    return cases_filed(1, first_number=1000 + _made["count"])[0]
