"""What the generated-input tests (tests/fuzz/) share: their bound, and hostile values for any text a person sends."""

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Characters that have broken or disguised text: NUL, which PostgreSQL refuses in text; other controls (bell,
# escape, C1); the bidirectional overrides and isolates, with which "Jan\u202egnp.exe" poses as another name;
# lone surrogates, which are not Unicode; line and paragraph separators; a byte order mark; a combining mark
# with nothing to combine with; digits that str.isdigit() takes but int() does not (²) or reads as another
# script's (١).
TRICKY_CHARACTERS = "\x00\x07\x1b\x7f\x9b\u202e\u202d\u2066\u2069\ud800\udfff\u2028\u2029\ufeff\u0301²١"


# Values that have broken parsers and pages: empty, huge, numbers beyond any field, what float() or int() takes
# but a form should not, dates that do not exist or are at the calendar's edge, JSON, markup and injections.
HOSTILE_VALUES = [
    "",
    " ",
    "a" * 100_001,
    "9" * 400,
    "-" + "9" * 400,
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits, which int() takes
    "２０２６",  # full-width digits
    "true",
    "null",
    "[]",
    "{}",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "-1",
    "2147483648",
    "9223372036854775808",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "Jan\u202egnp.exe",
]


def bounded(max_examples: int):
    """Hypothesis's settings for a test of the suite: `max_examples` cases, the same ones on every run (derandomized,
    no example database), no deadline for one request (the machine may be busy) and no health check that would
    fail a slow but bounded test."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """Text a person should not send but may: any code point (surrogates too), the TRICKY_CHARACTERS, very long
    text, numbers too large or too small for any field, and text that looks like other kinds of values."""
    return st.one_of(
        st.text(st.characters(codec=None, exclude_categories=()), max_size=40),
        st.text(st.sampled_from(TRICKY_CHARACTERS + "aą1 -"), max_size=40),
        st.sampled_from(HOSTILE_VALUES),
    )


def spoiled(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A value of `values` with one of the TRICKY_CHARACTERS put somewhere in it: what is otherwise valid gets
    through to where the character may do harm."""
    return st.tuples(values, st.sampled_from(TRICKY_CHARACTERS), st.integers(0, 1000)).map(
        lambda drawn: drawn[0][: drawn[2]] + drawn[1] + drawn[0][drawn[2] :]
    )


def utf8_or_not(text: str) -> bytes:
    """`text` as it comes over the wire: UTF-8, lone surrogates included as the bytes they would be."""
    return text.encode("utf-8", "surrogatepass")
