"""Writes to the standard registers (public schema): loading their definitions from the seed file.

A register's definition changes only by a new version, so the records units entered against an earlier one stay
readable against it; loading the same file again changes nothing."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from shared_services.eforms.definition import definition_check

from .models import RegisterTheme, StandardRegister, StandardRegisterVersion

REGISTERS_SEED_FILE = Path(__file__).resolve().parent / "data" / "standard_registers.json"

# The dane.gov.pl categories (the EU data themes) and the harvester's update frequencies.
CATEGORIES = {"AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "REGI", "SOCI", "TECH", "TRAN"}
FREQUENCIES = {"notApplicable", "yearly", "everyHalfYear", "quarterly", "monthly", "weekly", "daily"}
# The content of a version, as the seed file gives it.
VERSION_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "theme",
    "category",
    "update_frequency",
    "tags",
    "tags_en",
    "unit_kinds",
    "title_field",
    "service_slug",
    "case_fields",
    "json_schema",
    "layout",
)


def registers_seed_read(path: Path = REGISTERS_SEED_FILE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def standard_register_problems(entry: dict) -> list[str]:
    """What is wrong with one register of a seed document (empty when it can be loaded)."""
    slug = entry.get("slug", "?")
    missing = [name for name in ("slug", *VERSION_FIELDS) if name not in entry]
    if missing:
        return [f"{slug}: missing {', '.join(missing)}"]
    problems = []
    if len(slug) > 36:
        problems.append(f"{slug}: a slug has at most 36 characters (the harvest feed's extIdent)")
    if entry["theme"] not in RegisterTheme.values:
        problems.append(f"{slug}: unknown theme {entry['theme']}")
    if entry["category"] not in CATEGORIES:
        problems.append(f"{slug}: unknown category {entry['category']}")
    if entry["update_frequency"] not in FREQUENCIES:
        problems.append(f"{slug}: unknown update frequency {entry['update_frequency']}")
    try:
        definition_check(entry["json_schema"], entry["layout"])
    except ValidationError as error:
        return [*problems, f"{slug}: {' '.join(error.messages)}"]
    properties = entry["json_schema"]["properties"]
    if entry["title_field"] not in properties:
        problems.append(f"{slug}: title_field {entry['title_field']} is not a field")
    unknown = sorted(set(entry["case_fields"]) - set(properties))
    if unknown:
        problems.append(f"{slug}: case_fields name fields the register lacks: {', '.join(unknown)}")
    if entry["case_fields"] and not entry["service_slug"]:
        problems.append(f"{slug}: case_fields need a service_slug")
    return problems


@transaction.atomic
def standard_registers_load(*, document: dict) -> dict[str, int]:
    """Load the registers of a seed document: a new register gets version 1, a changed one a new version, an
    unchanged one nothing. Refuses the whole document when any register is wrong."""
    entries = document.get("registers") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValidationError("the document has no list of registers")
    problems = [problem for entry in entries for problem in standard_register_problems(entry)]
    if problems:
        raise ValidationError(problems)
    counts = {"created": 0, "versioned": 0, "unchanged": 0}
    for entry in entries:
        register, created = StandardRegister.objects.select_for_update().get_or_create(slug=entry["slug"])
        current = register.current
        content = {name: entry[name] for name in VERSION_FIELDS}
        if current is not None and all(getattr(current, name) == value for name, value in content.items()):
            counts["unchanged"] += 1
            continue
        version = StandardRegisterVersion.objects.create(
            register=register, number=(current.number + 1) if current else 1, **content
        )
        register.current = version
        register.save(update_fields=["current"])
        counts["created" if created else "versioned"] += 1
    return counts
