"""What changed between two versions of a card, field by field, for people to read before publishing.

Only changed fields are listed. Texts are compared word by word (difflib), so a corrected word in a long
description shows as that word, not as two paragraphs; lists (documents, legal basis, synonyms, categories)
as the items added and removed; single values (the fee, the deadline in days) as before and after.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tenants.models import UnitKind

from .models import FeeKind, StandardServiceVersion

TEXT, LIST, VALUE = "text", "list", "value"
SAME, INSERTED, DELETED = "same", "ins", "del"
# Words, runs of white space and single punctuation marks: a diff of words keeps the spaces between them.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    kind: str  # TEXT, LIST or VALUE
    segments: list = field(default_factory=list)  # TEXT: (SAME | INSERTED | DELETED, text) in order
    added: list = field(default_factory=list)  # LIST: items only the newer version has
    removed: list = field(default_factory=list)  # LIST: items only the older one had
    before: str = ""  # VALUE
    after: str = ""


def _zloty(grosze: int) -> str:
    return f"{grosze // 100},{grosze % 100:02d} zł"


def _unit_kinds(kinds: list) -> list:
    return [UnitKind(kind).label if kind in UnitKind.values else kind for kind in kinds]


# (field, label, kind, how its value is read from a version)
CARD_FIELDS = (
    ("name", _("Name"), TEXT, lambda v: v.name),
    ("name_en", _("Name in English"), TEXT, lambda v: v.name_en),
    ("short_description", _("Short description"), TEXT, lambda v: v.short_description),
    ("description", _("Description"), TEXT, lambda v: v.description),
    ("who_may_apply", _("Who may apply"), TEXT, lambda v: v.who_may_apply),
    ("legal_basis", _("Legal basis"), LIST, lambda v: list(v.legal_basis)),
    ("required_documents", _("Required documents"), LIST, lambda v: list(v.required_documents)),
    ("fee_grosze", _("Fee"), VALUE, lambda v: _zloty(v.fee_grosze)),
    ("fee_kind", _("Kind of fee"), VALUE, lambda v: FeeKind(v.fee_kind).label if v.fee_kind else ""),
    ("fee_description", _("About the fee"), TEXT, lambda v: v.fee_description),
    ("fee_exemptions", _("Exemptions"), TEXT, lambda v: v.fee_exemptions),
    ("deadline_days", _("Deadline (days)"), VALUE, lambda v: "" if v.deadline_days is None else str(v.deadline_days)),
    ("deadline_description", _("Deadline for handling"), TEXT, lambda v: v.deadline_description),
    ("appeal", _("How to appeal"), TEXT, lambda v: v.appeal),
    ("where_to_file", _("Where to file"), TEXT, lambda v: v.where_to_file),
    ("jrwa", _("JRWA class"), VALUE, lambda v: v.jrwa),
    ("maturity_level", _("E-service maturity level"), VALUE, lambda v: str(v.maturity_level or "")),
    ("categories", _("Categories"), LIST, lambda v: [category.name for category in v.categories.all()]),
    ("life_events", _("Life events"), LIST, lambda v: [event.name for event in v.life_events.all()]),
    ("unit_kinds", _("Offered by units of kind"), LIST, lambda v: _unit_kinds(v.unit_kinds)),
    ("keywords", _("Synonyms and colloquial names"), LIST, lambda v: list(v.keywords)),
    ("form", _("Form"), VALUE, lambda v: v.form.name if v.form_id else ""),
)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """`after` against `before` word by word: (SAME | INSERTED | DELETED, text) segments, in reading order.

    Words carry the spaces after them, and what little two rewritten passages happen to share (a space, a
    comma, a word of up to three letters) is folded into the change around it, so a rewritten sentence reads as
    one deletion and one insertion rather than a word-by-word patchwork."""
    old, new = _TOKEN.findall(before or ""), _TOKEN.findall(after or "")
    runs = []  # [same, deleted, inserted] texts; a run has either `same` or changes
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(["".join(old[i1:i2]), "", ""])
        else:
            runs.append([None, "".join(old[i1:i2]), "".join(new[j1:j2])])
    merged = []
    for index, (same, deleted, inserted) in enumerate(runs):
        between_changes = 0 < index < len(runs) - 1 and same is not None and len(same.strip()) <= 3
        if between_changes:
            deleted = inserted = same
            same = None
        if same is None and merged and merged[-1][0] is None:
            merged[-1][1] += deleted
            merged[-1][2] += inserted
        else:
            merged.append([same, deleted, inserted])
    segments = []
    for same, deleted, inserted in merged:
        if same is not None:
            segments.append((SAME, same))
            continue
        if deleted:
            segments.append((DELETED, deleted))
        if inserted:
            segments.append((INSERTED, inserted))
    return segments


def card_diff(before: StandardServiceVersion | None, after: StandardServiceVersion) -> list[FieldChange]:
    """The fields of `after` that differ from `before` (None: a new card, every filled field is new)."""
    changes = []
    for name, label, kind, read in CARD_FIELDS:
        old, new = (read(before) if before is not None else ([] if kind == LIST else "")), read(after)
        if old == new:
            continue
        if kind == TEXT:
            changes.append(FieldChange(name, label, kind, segments=word_diff(old, new)))
        elif kind == LIST:
            added = [item for item in new if item not in old]
            removed = [item for item in old if item not in new]
            if added or removed:
                changes.append(FieldChange(name, label, kind, added=added, removed=removed))
            else:  # the same items, in another order
                changes.append(FieldChange(name, label, VALUE, before="; ".join(old), after="; ".join(new)))
        else:
            changes.append(FieldChange(name, label, kind, before=old, after=new))
    return changes
