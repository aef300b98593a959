"""Text that comes from outside (residents' answers, names, file names), cleaned on intake so the office sees
what was sent and nothing that disguises it.

Removed: the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), with which
"Jan\\u202egnp.exe" shows as "Janexe.png"; control characters (C0 except tab and line breaks, DEL, C1), which
ring terminals (\\x07) or start their escape sequences (\\x1b, \\x9b) when an entry is read in a log or an
export; lone surrogates, which are not Unicode and which PostgreSQL refuses. Unicode's line and paragraph
separators become line breaks. Free text keeps the direction marks U+200E, U+200F and U+061C, which writing in
Hebrew or Arabic needs and which reorder no letters; a line (a name, a subject, a file name) loses them too,
and its tabs and line breaks become spaces.
"""

_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CONTROLS = [*(code for code in range(0x20) if chr(code) not in "\t\n\r"), *range(0x7F, 0xA0)]
_SURROGATES = range(0xD800, 0xE000)
_DIRECTION_MARKS = [0x200E, 0x200F, 0x061C]

_TEXT = dict.fromkeys([*_BIDI_CONTROLS, *_CONTROLS, *_SURROGATES]) | {0x2028: "\n", 0x2029: "\n"}
_LINE = _TEXT | dict.fromkeys(_DIRECTION_MARKS) | {ord(space): " " for space in "\t\n\r\u2028\u2029"}


def text_clean(text: str) -> str:
    """Free text (an answer, a summary) as it may be shown and stored: see the module's note."""
    return text.translate(_TEXT)


def line_clean(text: str) -> str:
    """One line (a name, an address, a subject, a file name) as it may be shown and stored."""
    return text.translate(_LINE)
