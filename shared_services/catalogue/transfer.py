"""The whole standard catalogue as one JSON document: export, validation of an uploaded one, the plan of what
importing it would do, and the import itself.

The document is the seed's format (data/standard_services.json: categories, life_events, services in the
seed's card shape) with two additions a fresh install does not need: `forms`, the standard forms' current
definitions in the shape of data/forms/*.json, and on each card `retired` (true or false, with
`retired_reason`), so that a region moving its catalogue to another deployment keeps retired cards retired.
A card without `retired` (every card of the seed) leaves the card's retirement as it is here.

One code path brings the catalogue in line with a document: `catalogue_plan` says what would happen and
writes nothing; `catalogue_apply` computes the same plan inside a transaction and carries it out. The seed
loader (services.standard_catalogue_load) is that apply, trusting its file; an upload is validated first
(`catalogue_document_parse`), with errors that name the path of what is wrong.
"""

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_core.text import line_clean, text_clean
from shared_services.eforms.definition import definition_check
from shared_services.eforms.services import form_version_create
from tenants.models import UnitKind

from .models import (
    Category,
    FeeKind,
    LifeEvent,
    StandardForm,
    StandardService,
    StandardServiceVersion,
    VersionStatus,
)
from .services import _CARD_FIELDS, service_draft_create, service_restore, service_retire, service_version_publish

FORMAT = "ratusz-catalogue/1"
# A regional catalogue of 875 cards with their forms is about 5 MB; four times that is room, not a risk.
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
_LARGEST_INTEGER = 2_147_483_647  # PostgreSQL's integer, the column of fees and deadlines

# The seed card's keys that are the version's fields by name; fee and deadline are nested in the seed.
CARD_TEXT_KEYS = _CARD_FIELDS
NESTED_KEYS = {
    "fee": {
        "amount_grosze": "fee_grosze",
        "kind": "fee_kind",
        "description": "fee_description",
        "exemptions": "fee_exemptions",
    },
    "deadline": {"days": "deadline_days", "description": "deadline_description"},
}
# A card's keys (paths, for nested ones) in the order the plan lists what changes.
CARD_PATHS = (
    *CARD_TEXT_KEYS[:5],
    *(f"fee.{key}" for key in NESTED_KEYS["fee"]),
    *(f"deadline.{key}" for key in NESTED_KEYS["deadline"]),
    *CARD_TEXT_KEYS[5:],
    "categories",
    "life_events",
    "form",
)
_SET_KEYS = ("categories", "life_events")


def card_path_labels() -> dict[str, str]:
    """Each of CARD_PATHS named as the card's field is (its verbose name), in the reader's language."""
    field_names = {
        **{key: key for key in (*CARD_TEXT_KEYS, *_SET_KEYS, "form")},
        **{f"{group}.{key}": name for group, fields in NESTED_KEYS.items() for key, name in fields.items()},
    }
    return {
        path: str(StandardServiceVersion._meta.get_field(field_names[path]).verbose_name) for path in CARD_PATHS
    }  # kept as many-to-many: their order carries nothing


class CatalogueDocumentInvalid(Exception):
    """An uploaded document that cannot be imported; `errors` say where and why, in the reader's language."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


class CataloguePlanChanged(Exception):
    """The catalogue changed between the preview and the confirmation: the plan shown is no longer the one."""


# ---------------------------------------------------------------------------------------------------- export


def card_document(version: StandardServiceVersion) -> dict:
    """A published version as a card of the seed (data/standard_services.json), key for key."""
    card = {"slug": version.service.slug, **{key: getattr(version, key) for key in CARD_TEXT_KEYS}}
    for group, fields in NESTED_KEYS.items():
        card[group] = {key: getattr(version, field_name) for key, field_name in fields.items()}
    card["categories"] = sorted(term.slug for term in version.categories.all())
    card["life_events"] = sorted(term.slug for term in version.life_events.all())
    card["form"] = version.form.slug if version.form_id else ""
    return card


def _published_versions():
    return (
        StandardServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("service", "form")
        .prefetch_related("categories", "life_events")
        .order_by("service__slug")
    )


def catalogue_export() -> dict:
    """The whole catalogue as one document that the import and `manage.py load_standard_catalogue` accept:
    every card's published version (a card never published has nothing to move), retired ones marked."""
    services = []
    for version in _published_versions():
        card = {**card_document(version), "retired": version.service.retired_at is not None}
        if card["retired"]:
            card["retired_reason"] = version.service.retired_reason
        services.append(card)
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "categories": [_term_document(term) for term in Category.objects.order_by("slug")],
        "life_events": [_term_document(term) for term in LifeEvent.objects.order_by("slug")],
        "services": services,
        "forms": [
            {
                "slug": form.slug,
                "name": form.name,
                "json_schema": form.current.json_schema,
                "layout": form.current.layout,
            }
            for form in StandardForm.objects.filter(current__isnull=False).select_related("current").order_by("slug")
        ],
    }


def catalogue_export_bytes(document: dict) -> bytes:
    """The document as the seed file is written: UTF-8, Polish letters as they are, indented."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _term_document(term) -> dict:
    return {"slug": term.slug, "name": term.name, "name_en": term.name_en}


# ------------------------------------------------------------------------------------------------ validation


def catalogue_document_parse(content: bytes) -> dict:
    """The uploaded `content` as a catalogue document, or CatalogueDocumentInvalid saying what is wrong."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise CatalogueDocumentInvalid(
            [
                _("The file is larger than %(limit)d MB; a whole catalogue is smaller.")
                % {"limit": MAX_DOCUMENT_BYTES // 2**20}
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueDocumentInvalid([_("The file is not UTF-8 text; save it in UTF-8.")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueDocumentInvalid(
            [
                _("The file is not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise CatalogueDocumentInvalid([_("The file is not valid JSON: it is nested too deeply.")]) from None
    errors = catalogue_document_errors(document)
    if errors:
        raise CatalogueDocumentInvalid(errors)
    return document


def catalogue_document_errors(document) -> list[str]:
    """What is wrong with `document` for an import, each error led by the path of the value (for example
    "services[12].fee.amount_grosze"); empty when it can be imported. At most MAX_ERRORS_SHOWN are listed."""
    check = _Checker()
    check.document(document)
    errors = check.errors
    if len(errors) > MAX_ERRORS_SHOWN:
        hidden = len(errors) - MAX_ERRORS_SHOWN
        errors = [*errors[:MAX_ERRORS_SHOWN], _("…and %(count)d more errors.") % {"count": hidden}]
    return errors


class _Checker:
    """Walks a document and collects errors; each check returns whether the value passed."""

    TOP_KEYS = {"categories", "life_events", "services"}
    OPTIONAL_TOP_KEYS = {"forms", "format", "exported_at"}
    TERM_KEYS = {"slug": 50, "name": 120, "name_en": 120}
    FORM_KEYS = {"slug", "name", "json_schema", "layout"}
    OPTIONAL_CARD_KEYS = {"form", "retired", "retired_reason"}

    def __init__(self):
        self.errors = []

    def error(self, path: str, message: str) -> bool:
        self.errors.append(f"{path}: {message}")
        return False

    def document(self, document) -> None:
        if not isinstance(document, dict):
            self.error(_("the document"), _("must be a JSON object with categories, life_events and services"))
            return
        if not self.keys("", document, self.TOP_KEYS, self.OPTIONAL_TOP_KEYS):
            return
        if document.get("format", FORMAT) != FORMAT:  # a later format may mean what this code cannot read
            self.error("format", _("must be %(format)s, the format this platform reads") % {"format": FORMAT})
        categories = self.terms("categories", document["categories"])
        life_events = self.terms("life_events", document["life_events"])
        forms = self.forms(document.get("forms", []))
        known = {
            "categories": categories | set(Category.objects.values_list("slug", flat=True)),
            "life_events": life_events | set(LifeEvent.objects.values_list("slug", flat=True)),
            "forms": forms | set(StandardForm.objects.values_list("slug", flat=True)),
        }
        services = document["services"]
        if self.list_of("services", services, dict, _("a card (an object)")):
            self.duplicates("services", services)
            for index, card in enumerate(services):
                self.card(f"services[{index}]", card, known)

    def keys(self, path: str, value: dict, required: set, optional: set = frozenset()) -> bool:
        prefix = f"{path}." if path else ""
        missing = sorted(required - value.keys())
        unknown = sorted(value.keys() - required - optional)
        for key in missing:
            self.error(prefix + key, _("is missing"))
        for key in unknown:
            self.error(prefix + key, _("is not a field of the catalogue's format"))
        return not missing

    def list_of(self, path, value, kind, described) -> bool:
        if not isinstance(value, list):
            return self.error(path, _("must be a list"))
        passed = True
        for index, item in enumerate(value):
            if not isinstance(item, kind):
                passed = self.error(f"{path}[{index}]", _("must be %(what)s") % {"what": described})
        return passed

    def duplicates(self, path: str, items: list[dict]) -> None:
        seen = {}
        for index, item in enumerate(items):
            slug = item.get("slug")
            if isinstance(slug, str) and slug in seen:
                self.error(
                    f"{path}[{index}].slug",
                    _("“%(slug)s” appears twice (also in %(path)s[%(first)d])")
                    % {"slug": slug, "path": path, "first": seen[slug]},
                )
            seen.setdefault(slug, index)

    def terms(self, path: str, terms) -> set[str]:
        if not self.list_of(path, terms, dict, _("an object with slug, name and name_en")):
            return set()
        self.duplicates(path, terms)
        for index, term in enumerate(terms):
            where = f"{path}[{index}]"
            if self.keys(where, term, set(self.TERM_KEYS)):
                self.slug(f"{where}.slug", term["slug"], self.TERM_KEYS["slug"])
                self.line(f"{where}.name", term["name"], self.TERM_KEYS["name"])
                self.line(f"{where}.name_en", term["name_en"], self.TERM_KEYS["name_en"])
        return {term.get("slug") for term in terms if isinstance(term.get("slug"), str)}

    def forms(self, forms) -> set[str]:
        if not self.list_of("forms", forms, dict, _("a form (an object)")):
            return set()
        self.duplicates("forms", forms)
        for index, form in enumerate(forms):
            where = f"forms[{index}]"
            if not self.keys(where, form, self.FORM_KEYS):
                continue
            self.slug(f"{where}.slug", form["slug"], 100)
            self.line(f"{where}.name", form["name"], 250)
            if not isinstance(form["json_schema"], dict):
                self.error(f"{where}.json_schema", _("must be an object (a JSON Schema)"))
            elif not isinstance(form["layout"], dict):
                self.error(f"{where}.layout", _("must be an object"))
            elif _unstorable(form["json_schema"]) or _unstorable(form["layout"]):
                self.error(where, _("contains control characters or broken Unicode"))
            else:
                try:
                    definition_check(form["json_schema"], form["layout"])
                except ValidationError as error:
                    self.error(f"{where}.json_schema", " ".join(error.messages))
        return {form.get("slug") for form in forms if isinstance(form.get("slug"), str)}

    def card(self, path: str, card: dict, known: dict) -> None:
        required = {*CARD_TEXT_KEYS, *NESTED_KEYS, "slug", "categories", "life_events"}
        if not self.keys(path, card, required, self.OPTIONAL_CARD_KEYS):
            return
        self.slug(f"{path}.slug", card["slug"], 100)
        self.line(f"{path}.name", card["name"], 250)
        self.line(f"{path}.name_en", card["name_en"], 250, blank=True)
        for key in ("short_description", "description", "who_may_apply", "appeal", "where_to_file"):
            self.text(f"{path}.{key}", card[key])
        self.line(f"{path}.jrwa", card["jrwa"], 10)
        self.integer(f"{path}.maturity_level", card["maturity_level"], 1, 5)
        for key in ("legal_basis", "required_documents"):
            if self.list_of(f"{path}.{key}", card[key], str, _("a text")):
                for index, item in enumerate(card[key]):
                    self.text(f"{path}.{key}[{index}]", item)
        if self.list_of(f"{path}.keywords", card["keywords"], str, _("a text")):
            for index, item in enumerate(card["keywords"]):
                self.line(f"{path}.keywords[{index}]", item, 100)
        self.choices(f"{path}.unit_kinds", card["unit_kinds"], UnitKind.values, required=True)
        self.fee(f"{path}.fee", card["fee"])
        self.deadline(f"{path}.deadline", card["deadline"])
        self.references(f"{path}.categories", card["categories"], known["categories"], required=True)
        self.references(f"{path}.life_events", card["life_events"], known["life_events"])
        form = card.get("form")
        if form not in (None, "") and self.slug(f"{path}.form", form, 100) and form not in known["forms"]:
            self.error(f"{path}.form", _("“%(slug)s” is not a standard form here or in the file") % {"slug": form})
        if "retired" in card and not isinstance(card["retired"], bool):
            self.error(f"{path}.retired", _("must be true or false"))
        if "retired_reason" in card:
            self.text(f"{path}.retired_reason", card["retired_reason"], blank=True)

    def fee(self, path: str, fee) -> None:
        if not isinstance(fee, dict):
            self.error(path, _("must be an object with amount_grosze, kind, description and exemptions"))
        elif self.keys(path, fee, set(NESTED_KEYS["fee"])):
            self.integer(f"{path}.amount_grosze", fee["amount_grosze"], 0, _LARGEST_INTEGER)
            if fee["kind"] not in FeeKind.values:
                self.error(f"{path}.kind", _("must be one of: %(values)s") % {"values": ", ".join(FeeKind.values)})
            self.text(f"{path}.description", fee["description"], blank=True)
            self.text(f"{path}.exemptions", fee["exemptions"], blank=True)

    def deadline(self, path: str, deadline) -> None:
        if not isinstance(deadline, dict):
            self.error(path, _("must be an object with days and description"))
        elif self.keys(path, deadline, set(NESTED_KEYS["deadline"])):
            if deadline["days"] is not None:
                self.integer(f"{path}.days", deadline["days"], 0, _LARGEST_INTEGER)
            self.text(f"{path}.description", deadline["description"])

    def references(self, path: str, slugs, known: set, *, required=False) -> None:
        if not self.list_of(path, slugs, str, _("a slug")):
            return
        if required and not slugs:
            self.error(path, _("must name at least one"))
        if len(set(slugs)) != len(slugs):
            self.error(path, _("names one twice"))
        for index, slug in enumerate(slugs):
            if slug not in known:
                self.error(f"{path}[{index}]", _("“%(slug)s” is not defined here or in the file") % {"slug": slug})

    def choices(self, path: str, values, allowed, *, required=False) -> None:
        if not self.list_of(path, values, str, _("a text")):
            return
        if required and not values:
            self.error(path, _("must name at least one"))
        for index, value in enumerate(values):
            if value not in allowed:
                self.error(f"{path}[{index}]", _("must be one of: %(values)s") % {"values": ", ".join(allowed)})

    def integer(self, path: str, value, least: int, most: int) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return self.error(path, _("must be a whole number"))
        if not least <= value <= most:
            return self.error(path, _("must be from %(least)d to %(most)d") % {"least": least, "most": most})
        return True

    def text(self, path: str, value, *, blank=False) -> bool:
        if not isinstance(value, str):
            return self.error(path, _("must be a text"))
        if not blank and not value.strip():
            return self.error(path, _("must not be empty"))
        if text_clean(value) != value:
            return self.error(path, _("contains control characters or broken Unicode"))
        return True

    def line(self, path: str, value, max_length: int, *, blank=False) -> bool:
        if not self.text(path, value, blank=blank):
            return False
        if line_clean(value) != value:
            return self.error(path, _("must be one line"))
        if len(value) > max_length:
            return self.error(path, _("must be at most %(limit)d characters long") % {"limit": max_length})
        return True

    def slug(self, path: str, value, max_length: int) -> bool:
        if not self.line(path, value, max_length):
            return False
        if not (value.isascii() and value.replace("-", "").replace("_", "").isalnum()):
            return self.error(path, _("must be a slug: Latin letters, digits, hyphens and underscores"))
        return True


def _unstorable(value) -> bool:
    """Whether a JSON value holds a string PostgreSQL's jsonb refuses (NUL, lone surrogates) or control
    characters."""
    if isinstance(value, str):
        return text_clean(value) != value
    if isinstance(value, dict):
        return any(_unstorable(key) or _unstorable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_unstorable(item) for item in value)
    return False


# ------------------------------------------------------------------------------------------------------ plan


@dataclass(frozen=True)
class TermChange:
    kind: str  # "category" or "life_event"
    slug: str
    name: str
    previous_name: str = ""  # for a renamed term: its name here


@dataclass(frozen=True)
class CardChange:
    slug: str
    name: str
    fields: tuple[str, ...] = ()  # for a new version: the card's paths that change (CARD_PATHS)


@dataclass(frozen=True)
class CardConflict:
    slug: str
    name: str
    number: int  # the open version's
    status: str  # VersionStatus.DRAFT or IN_REVIEW
    by: str


@dataclass
class CataloguePlan:
    """What bringing the catalogue in line with a document does. Each list is in the document's order."""

    terms_created: list[TermChange] = field(default_factory=list)
    terms_renamed: list[TermChange] = field(default_factory=list)
    forms_created: list[str] = field(default_factory=list)
    forms_versioned: list[str] = field(default_factory=list)
    forms_renamed: list[str] = field(default_factory=list)
    forms_unchanged: list[str] = field(default_factory=list)
    cards_created: list[CardChange] = field(default_factory=list)
    cards_versioned: list[CardChange] = field(default_factory=list)
    cards_unchanged: list[CardChange] = field(default_factory=list)
    cards_retired: list[CardChange] = field(default_factory=list)
    cards_restored: list[CardChange] = field(default_factory=list)
    # Cards here that the document does not have: the import leaves them as they are.
    cards_left_alone: list[CardChange] = field(default_factory=list)
    # Cards that would get a new version but have one open in the console: left as they are, draft and all.
    conflicts: list[CardConflict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many of each (the audit log keeps these)."""
        return {item.name: len(getattr(self, item.name)) for item in dataclasses.fields(self)}

    @property
    def changes_anything(self) -> bool:
        return any(
            (self.terms_created, self.terms_renamed, self.forms_created, self.forms_versioned, self.forms_renamed)
        ) or any((self.cards_created, self.cards_versioned, self.cards_retired, self.cards_restored))

    def digest(self) -> str:
        """A fingerprint of the plan, so that a confirmation applies the plan that was shown and no other."""
        return hashlib.sha256(repr(self).encode()).hexdigest()


def catalogue_plan(document: dict) -> CataloguePlan:
    """What importing `document` would do; writes nothing. The document is the seed's format, already
    validated (catalogue_document_parse) or trusted (the seed)."""
    return _Planner(document).plan


@transaction.atomic
def catalogue_apply(document: dict, *, actor_label: str, expected_digest: str | None = None) -> CataloguePlan:
    """Bring the catalogue in line with `document`, all of it or (on any error) nothing, and return the plan
    carried out. With `expected_digest`, refuses (CataloguePlanChanged) unless the plan is the one previewed.

    Terms are created or renamed; forms get a new version when their schema or layout differ; new cards get
    a first published version and changed cards a new one, which reaches every adopting unit at once; cards
    with a version open in the console are left as they are (see CataloguePlan.conflicts)."""
    # One import at a time, and no card changes under it: the services' rows are locked for the transaction.
    list(StandardService.objects.select_for_update().values_list("pk", flat=True))
    planner = _Planner(document)
    if expected_digest is not None and planner.plan.digest() != expected_digest:
        raise CataloguePlanChanged()
    planner.apply(actor_label=actor_label)
    return planner.plan


class _Planner:
    """Compares a document with the catalogue here: `plan` says what differs, `apply` writes it."""

    def __init__(self, document: dict):
        self.document = document
        self.forms_in_document = {form["slug"] for form in document.get("forms", [])}
        self.plan = CataloguePlan()
        self.categories = {term.slug: term for term in Category.objects.all()}
        self.life_events = {term.slug: term for term in LifeEvent.objects.all()}
        self.forms = {form.slug: form for form in StandardForm.objects.select_related("current")}
        self.services = {service.slug: service for service in StandardService.objects.all()}
        self.published = {version.service.slug: version for version in _published_versions()}
        self.open_versions = {
            version.service.slug: version
            for version in StandardServiceVersion.objects.filter(
                status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
            ).select_related("service")
        }
        self._plan_terms("category", document["categories"], self.categories)
        self._plan_terms("life_event", document["life_events"], self.life_events)
        self._plan_forms(document.get("forms", []))
        self._plan_cards(document["services"])

    def _plan_terms(self, kind: str, terms: list[dict], existing: dict) -> None:
        for term in terms:
            here = existing.get(term["slug"])
            if here is None:
                self.plan.terms_created.append(TermChange(kind, term["slug"], term["name"]))
            elif (here.name, here.name_en) != (term["name"], term["name_en"]):
                self.plan.terms_renamed.append(TermChange(kind, term["slug"], term["name"], previous_name=here.name))

    def _plan_forms(self, forms: list[dict]) -> None:
        for form in forms:
            here = self.forms.get(form["slug"])
            if here is None:
                self.plan.forms_created.append(form["slug"])
                continue
            current = here.current
            if current is None or (current.json_schema, current.layout) != (form["json_schema"], form["layout"]):
                self.plan.forms_versioned.append(form["slug"])
            elif here.name != form["name"]:
                self.plan.forms_renamed.append(form["slug"])
            else:
                self.plan.forms_unchanged.append(form["slug"])

    def _known_form(self, slug) -> str:
        """The card's form as the catalogue will have it: a form neither here nor in the document is none
        (the seed's cards name forms a test may not load)."""
        return slug if slug and (slug in self.forms or slug in self.forms_in_document) else ""

    def _plan_cards(self, cards: list[dict]) -> None:
        in_document = set()
        for card in cards:
            in_document.add(card["slug"])
            service, published = self.services.get(card["slug"]), self.published.get(card["slug"])
            wanted = {**card, "form": self._known_form(card.get("form"))}
            changed = _changed_paths(card_document(published), wanted) if published else CARD_PATHS
            change = CardChange(card["slug"], card["name"], tuple(changed) if published else ())
            open_version = self.open_versions.get(card["slug"])
            if changed and open_version is not None:
                self.plan.conflicts.append(
                    CardConflict(
                        card["slug"],
                        card["name"],
                        open_version.number,
                        open_version.status,
                        open_version.submitted_by or open_version.created_by,
                    )
                )
            elif not changed:
                self.plan.cards_unchanged.append(change)
            elif published is None:
                self.plan.cards_created.append(change)
            else:
                self.plan.cards_versioned.append(change)
            retired_here = service is not None and service.retired_at is not None
            if card.get("retired") is True and not retired_here:
                self.plan.cards_retired.append(change)
            elif card.get("retired") is False and retired_here:
                self.plan.cards_restored.append(change)
        for slug in sorted(self.services):
            if slug not in in_document:
                version = self.published.get(slug)
                self.plan.cards_left_alone.append(CardChange(slug, version.name if version else slug))

    def apply(self, *, actor_label: str) -> None:
        for terms, existing, model in (
            (self.document["categories"], self.categories, Category),
            (self.document["life_events"], self.life_events, LifeEvent),
        ):
            for term in terms:
                existing[term["slug"]] = model.objects.update_or_create(
                    slug=term["slug"], defaults={"name": term["name"], "name_en": term["name_en"]}
                )[0]
        changed_forms = {*self.plan.forms_created, *self.plan.forms_versioned, *self.plan.forms_renamed}
        for definition in self.document.get("forms", []):
            if definition["slug"] not in changed_forms:
                continue
            form, _created = StandardForm.objects.update_or_create(
                slug=definition["slug"], defaults={"name": definition["name"]}
            )
            if definition["slug"] not in self.plan.forms_renamed:
                form_version_create(form=form, json_schema=definition["json_schema"], layout=definition["layout"])
            self.forms[form.slug] = form
        cards = {card["slug"]: card for card in self.document["services"]}
        for change in (*self.plan.cards_created, *self.plan.cards_versioned):
            self._card_publish(cards[change.slug], actor_label=actor_label)
        services = StandardService.objects.in_bulk(
            [change.slug for change in (*self.plan.cards_retired, *self.plan.cards_restored)], field_name="slug"
        )
        for change in self.plan.cards_retired:
            reason = cards[change.slug].get("retired_reason", "").strip() or _("Retired in the imported catalogue.")
            service_retire(service=services[change.slug], by=actor_label, reason=reason)
        for change in self.plan.cards_restored:
            service_restore(service=services[change.slug])

    def _card_publish(self, card: dict, *, actor_label: str) -> None:
        service, _created = StandardService.objects.get_or_create(slug=card["slug"])
        changes = {
            **{key: card[key] for key in CARD_TEXT_KEYS},
            **{
                field_name: card[group][key]
                for group, fields in NESTED_KEYS.items()
                for key, field_name in fields.items()
            },
            "form": self.forms.get(self._known_form(card.get("form"))),
        }
        draft = service_draft_create(
            service=service,
            changes=changes,
            categories=[self.categories[slug] for slug in card["categories"]],
            life_events=[self.life_events[slug] for slug in card["life_events"]],
            by=actor_label,
        )
        service_version_publish(version=draft, by=actor_label)


def _changed_paths(here: dict, wanted: dict) -> list[str]:
    """The paths (CARD_PATHS) where the card `wanted` differs from the card `here`, both in the seed's shape."""
    changed = []
    for path in CARD_PATHS:
        group, _dot, key = path.partition(".")
        mine, theirs = (here[group][key], wanted[group][key]) if key else (here[path], wanted.get(path))
        if path in _SET_KEYS:
            mine, theirs = set(mine), set(theirs)
        if path == "form":
            mine, theirs = mine or "", theirs or ""
        if mine != theirs:
            changed.append(path)
    return changed
