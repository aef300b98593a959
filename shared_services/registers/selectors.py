"""Reads of a unit's registers and their records (unit schema); definitions come from the public standard by
slug and version number."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from shared_services.catalogue.models import StandardRegisterVersion
from shared_services.catalogue.register_selectors import standard_register_version, standard_register_versions
from shared_services.eforms.answers import answer_text

from .models import Record, RecordImport, RecordStatus, Register


def register_definition(register: Register) -> StandardRegisterVersion:
    """The definition the register's new records are entered against (its adopted version)."""
    definition = standard_register_version(register.slug, register.version)
    if definition is None:  # the standard lost the version: the register can no longer be kept
        raise LookupError(f"{register.slug} v{register.version}")
    return definition


def record_definition(record: Record) -> StandardRegisterVersion:
    """The definition the record was entered against (an older version keeps reading its records)."""
    definition = standard_register_version(record.register.slug, record.definition_version)
    if definition is None:
        raise LookupError(f"{record.register.slug} v{record.definition_version}")
    return definition


def kept_registers() -> QuerySet[Register]:
    return Register.objects.filter(enabled=True)


def register_by_slug(slug: str) -> Register | None:
    return kept_registers().filter(slug=slug).first()


@dataclass(frozen=True)
class RegisterRow:
    register: Register
    definition: StandardRegisterVersion
    published: int
    waiting: int  # drafts and proposals


def office_registers() -> list[RegisterRow]:
    """The unit's registers with their definitions and counts, ordered by name: two queries."""
    registers = list(
        kept_registers().annotate(
            published=Count("records", filter=Q(records__status=RecordStatus.PUBLISHED)),
            waiting=Count("records", filter=Q(records__status__in=[RecordStatus.DRAFT, RecordStatus.PROPOSED])),
        )
    )
    definitions = standard_register_versions([(register.slug, register.version) for register in registers])
    rows = [
        RegisterRow(register, definitions[key], register.published, register.waiting)
        for register in registers
        if (key := (register.slug, register.version)) in definitions
    ]
    return sorted(rows, key=lambda row: row.definition.name)


def register_records(register: Register, *, status: str | None = None) -> QuerySet[Record]:
    records = Record.objects.filter(register=register)
    return records.filter(status=status) if status else records


def published_records(register: Register) -> QuerySet[Record]:
    """What the public sees of a register: its published records, by number."""
    return Record.objects.filter(register=register, status=RecordStatus.PUBLISHED).order_by("number")


def record_of(register: Register, number: int) -> Record | None:
    return Record.objects.filter(register=register, number=number).select_related("register").first()


def record_title(data: dict, definition: StandardRegisterVersion) -> str:
    """What names a record: the value of its definition's title field, as text."""
    value = data.get(definition.title_field) if isinstance(data, dict) else None
    return answer_text(value, definition.properties.get(definition.title_field, {})) if value is not None else ""


def record_rows(data: dict, definition: StandardRegisterVersion) -> list[tuple[str, str]]:
    """(label, value as text) of the record's filled fields, in the definition's order."""
    properties = definition.properties
    return [
        (str(properties[name].get("title", name)), answer_text(data[name], properties[name]))
        for name in definition.field_order()
        if isinstance(data, dict) and data.get(name) not in (None, "", [])
    ]


def pending_import(register: Register, pk: int) -> RecordImport | None:
    return RecordImport.objects.filter(register=register, pk=pk, confirmed_at__isnull=True).first()
