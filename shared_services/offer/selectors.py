"""Reads of the current unit's offer as residents see it: standard services it adopted (the standard card
with the unit's local details) and the unit's own services, in one shape."""

from dataclasses import dataclass, field, fields

from django.urls import reverse

from platform_core.signed_cache import RowShapeChanged, row_from_plain, row_to_plain
from shared_services.catalogue.models import Category, LifeEvent, StandardFormVersion, StandardServiceVersion
from shared_services.catalogue.search import (
    ANY_WORD,
    SEARCH_TIERS,
    SIMILAR,
    SIMILAR_ORDERING,
    best_first,
    keyword_list,
    most_similar_first,
    ordering,
    query_words,
    rank_annotations,
    similar_annotations,
    similar_filter,
    tier_query,
)
from shared_services.eforms.definition import FormDefinition
from shared_services.eforms.models import UnitFormVersion

from . import filing_cache
from .models import AdoptedService, UnitService

STANDARD, OWN = "standard", "own"
# Candidates fetched beyond the page, so a card matching a keyword exactly can still move to the top.
_KEYWORD_HEADROOM = 30


@dataclass(frozen=True)
class ServiceSummary:
    kind: str  # STANDARD or OWN
    slug: str
    name: str
    short_description: str
    own_id: int | None = None  # the unit's own service's row: its slug may be edited, its id stays

    @property
    def key(self) -> str:
        """Identifies the service within the unit for good (drafts and submissions record it)."""
        return f"{self.kind}:{self.slug}" if self.kind == STANDARD else f"{self.kind}:{self.own_id}"

    @property
    def url(self) -> str:
        return reverse("service-card" if self.kind == STANDARD else "own-service-card", args=[self.slug])

    @property
    def form_url(self) -> str:
        return reverse("service-form" if self.kind == STANDARD else "own-service-form", args=[self.slug])


@dataclass(frozen=True)
class ServiceCard(ServiceSummary):
    """Everything the service card page shows."""

    fee_grosze: int = 0
    fee_kind: str = ""  # catalogue.FeeKind; empty for the unit's own services
    fee_is_local: bool = False  # the unit set its own fee (0 then means free, whatever the standard's kind)
    fee_description: str = ""
    fee_exemptions: str = ""
    description: str = ""
    who_may_apply: str = ""
    legal_basis: list = field(default_factory=list)
    required_documents: list = field(default_factory=list)
    deadline_description: str = ""
    deadline_days: int | None = None
    appeal: str = ""
    where_to_file: str = ""
    jrwa: str = ""
    maturity_level: int | None = None
    department: str = ""
    room: str = ""
    office_hours: str = ""
    contact: str = ""
    local_notes: str = ""
    categories: list = field(default_factory=list)
    life_events: list = field(default_factory=list)
    form: FormDefinition | None = None
    standard_version: StandardServiceVersion | None = None


@dataclass(frozen=True)
class ServiceToFile(ServiceSummary):
    """What filing an application for a service needs; the form page shows no more of the card than this
    and its fee."""

    fee_grosze: int = 0
    fee_kind: str = ""  # as ServiceCard's
    fee_is_local: bool = False
    jrwa: str = ""
    deadline_days: int | None = None
    form: FormDefinition | None = None


class ServiceRetired(LookupError):
    """The unit offered this standard service, but the region retired its card: residents are told so."""

    def __init__(self, slug: str, name: str, reason: str):
        super().__init__(slug)
        self.slug, self.name, self.reason = slug, name, reason


def offered_services():
    """The current unit's adopted services that residents see, with their published standard card; a card
    the region retired is not offered anywhere (the unit keeps its adoption, should it come back)."""
    return (
        AdoptedService.objects.filter(
            enabled=True, standard_service__published__isnull=False, standard_service__retired_at__isnull=True
        )
        .select_related("standard_service__published")
        .order_by("standard_service__published__name")
    )


def _not_offered(slug: str) -> LookupError:
    """Why the unit does not offer the standard service `slug`: retired by the region (ServiceRetired, which
    residents are told about), or never offered here. Asked only when the service was not found."""
    retired = (
        AdoptedService.objects.filter(
            enabled=True, standard_service__slug=slug, standard_service__retired_at__isnull=False
        )
        .values_list("standard_service__published__name", "standard_service__retired_reason")
        .first()
    )
    return ServiceRetired(slug, retired[0] or slug, retired[1]) if retired else LookupError(slug)


def fee_grosze(adopted: AdoptedService) -> int:
    """What this unit charges: its own fee where it set one, otherwise the standard fee."""
    if adopted.fee_override_grosze is not None:
        return adopted.fee_override_grosze
    return adopted.standard_service.published.fee_grosze


# Derived search columns: long, and never shown.
_SEARCH_ONLY = (
    "standard_service__published__search_vector",
    "standard_service__published__search_name",
    "standard_service__published__search_words",
)
# What a search result needs of an adopted service: not the card's long texts.
_SUMMARY_OF_ADOPTED = (
    "standard_service__slug",
    "standard_service__published__name",
    "standard_service__published__short_description",
    "standard_service__published__keywords",
)


def _summary_of_adopted(adopted: AdoptedService) -> ServiceSummary:
    card = adopted.standard_service.published
    return ServiceSummary(STANDARD, adopted.standard_service.slug, card.name, card.short_description)


def _summary_of_own(service: UnitService) -> ServiceSummary:
    return ServiceSummary(OWN, service.slug, service.name, service.short_description, own_id=service.pk)


def service_list(*, category: str | None = None, life_event: str | None = None) -> list[ServiceSummary]:
    """The unit's services, optionally of one category or life event, by name."""
    adopted, own = offered_services(), UnitService.objects.filter(enabled=True)
    if category:
        adopted = adopted.filter(standard_service__published__categories__slug=category)
        own = own.filter(category_slugs__contains=[category])
    if life_event:
        adopted = adopted.filter(standard_service__published__life_events__slug=life_event)
        own = own.filter(life_event_slugs__contains=[life_event])
    summaries = [*map(_summary_of_adopted, adopted), *map(_summary_of_own, own)]
    return sorted(summaries, key=lambda summary: summary.name.lower())


def service_count() -> int:
    """How many services the unit offers (the home page shows it)."""
    counts = _service_counts()
    return counts["standard"] + counts["own"]


def _service_counts() -> dict[str, int]:
    """The standard and own services the unit offers, counted (cached: filing_cache)."""
    return filing_cache.service_counts_cached(
        lambda: {"standard": offered_services().count(), "own": UnitService.objects.filter(enabled=True).count()}
    )


def service_search(text: str, *, limit: int = 20) -> list[ServiceSummary]:
    """The unit's services that match `text`, best first, by the tiers of catalogue.search: the first tier
    that finds anything answers. Two queries per full-text tier (adopted and own services; one where the unit has no
    own service); the tier that forgives typing mistakes compares with the standard cards only (own services keep
    no folded words).
    """
    if not query_words(text):
        return []
    with_own = _service_counts()["own"] > 0
    for tier in SEARCH_TIERS:
        found = _similar_adopted(text, limit) if tier == SIMILAR else _matching(text, tier, limit, with_own=with_own)
        if found:
            found.sort(key=lambda pair: (*pair[0], pair[1].name))
            return [summary for _, summary in found[:limit]]
    return []


def _similar_adopted(text: str, limit: int) -> list[tuple]:
    card = "standard_service__published__"
    similar = (
        offered_services()
        .filter(**similar_filter(words=f"{card}search_words", text=text))
        .annotate(**similar_annotations(words=f"{card}search_words", name=f"{card}name", text=text))
        .only(*_SUMMARY_OF_ADOPTED)
        .order_by(*SIMILAR_ORDERING)[:limit]
    )
    return [(most_similar_first(item), _summary_of_adopted(item)) for item in similar]


def _matching(text: str, tier: str, limit: int, *, with_own: bool) -> list[tuple]:
    query, every_word = tier_query(text, tier), tier != ANY_WORD
    candidates = limit + _KEYWORD_HEADROOM
    adopted = (
        offered_services()
        .filter(standard_service__published__search_vector=query)
        .annotate(
            **rank_annotations(
                vector="standard_service__published__search_vector",
                name_vector="standard_service__published__search_name",
                query=query,
            )
        )
        .only(*_SUMMARY_OF_ADOPTED)
        .order_by(*ordering(every_word))[:candidates]
    )
    own = (
        UnitService.objects.filter(enabled=True, search_vector=query)
        .annotate(**rank_annotations(vector="search_vector", name_vector="search_name", query=query))
        .only("slug", "name", "short_description", "keywords")
        .order_by(*ordering(every_word))[:candidates]
        if with_own
        else []
    )
    found = [
        (
            best_first(item, keywords=item.standard_service.published.keywords, text=text, every_word=every_word),
            _summary_of_adopted(item),
        )
        for item in adopted
    ]
    found += [
        (
            best_first(item, keywords=keyword_list(item.keywords), text=text, every_word=every_word),
            _summary_of_own(item),
        )
        for item in own
    ]
    return found


def service_card_get(*, kind: str, slug: str) -> ServiceCard:
    """The card of an offered service; raises LookupError when this unit does not offer it (ServiceRetired
    when the region retired its card)."""
    if kind == STANDARD:
        adopted = (
            offered_services()
            .filter(standard_service__slug=slug)
            .select_related("standard_service__published__form__current")
            .defer(*_SEARCH_ONLY)
            .first()
        )
        if adopted is None:
            raise _not_offered(slug)
        return _card_of_adopted(adopted)
    own = (
        UnitService.objects.filter(enabled=True, slug=slug)
        .select_related("standard_form__current", "unit_form__current")
        .defer("search_vector", "search_name")
        .first()
    )
    if own is None:
        raise LookupError(slug)
    return _card_of_own(own)


def _to_file_of_adopted(adopted: AdoptedService) -> dict:
    """ServiceToFile's fields of an adopted service, which its card shows too."""
    card = adopted.standard_service.published
    return {
        "kind": STANDARD,
        "slug": adopted.standard_service.slug,
        "name": card.name,
        "short_description": card.short_description,
        "fee_grosze": fee_grosze(adopted),
        "fee_kind": card.fee_kind,
        "fee_is_local": adopted.fee_override_grosze is not None,
        "jrwa": card.jrwa,
        "deadline_days": card.deadline_days,
        "form": card.form.current if card.form else None,
    }


def _card_of_adopted(adopted: AdoptedService) -> ServiceCard:
    card = adopted.standard_service.published
    return ServiceCard(
        **_to_file_of_adopted(adopted),
        fee_description=card.fee_description,
        fee_exemptions=card.fee_exemptions,
        description=card.description,
        who_may_apply=card.who_may_apply,
        legal_basis=card.legal_basis,
        required_documents=card.required_documents,
        deadline_description=card.deadline_description,
        appeal=card.appeal,
        where_to_file=card.where_to_file,
        maturity_level=card.maturity_level,
        department=adopted.department,
        room=adopted.room,
        office_hours=adopted.office_hours,
        contact=adopted.contact,
        local_notes=adopted.local_notes,
        categories=list(card.categories.all()),
        life_events=list(card.life_events.all()),
        standard_version=card,
    )


def _form_version_of_own(service: UnitService):
    """The current version of the form an own service is filed with: the unit's own form, else the standard one."""
    form = service.unit_form or service.standard_form
    return form.current if form else None


def _card_of_own(service: UnitService) -> ServiceCard:
    return ServiceCard(
        OWN,
        service.slug,
        service.name,
        service.short_description,
        own_id=service.pk,
        fee_grosze=service.fee_grosze,
        fee_description=service.fee_description,
        description=service.description,
        who_may_apply=service.who_may_apply,
        legal_basis=service.legal_basis.splitlines(),
        required_documents=service.required_documents.splitlines(),
        deadline_description=service.deadline_description,
        appeal=service.appeal,
        where_to_file=service.where_to_file,
        department=service.department,
        room=service.room,
        office_hours=service.office_hours,
        contact=service.contact,
        # The public terms by the slugs the service keeps: a query each, as a many-to-many relation took.
        categories=list(Category.objects.filter(slug__in=service.category_slugs)),
        life_events=list(LifeEvent.objects.filter(slug__in=service.life_event_slugs)),
        form=_form_version_of_own(service),
    )


# What filing needs of an adopted service and its standard card. The form page is intake's hot path, and
# compiling and reading the whole card (five tables, some hundred columns) cost it 1.5 ms of CPU.
_TO_FILE_OF_ADOPTED = (
    "fee_override_grosze",
    "standard_service__slug",
    "standard_service__published__name",
    "standard_service__published__short_description",
    "standard_service__published__fee_grosze",
    "standard_service__published__fee_kind",
    "standard_service__published__jrwa",
    "standard_service__published__deadline_days",
    "standard_service__published__form__current",
)
_TO_FILE_OF_OWN = ("slug", "name", "short_description", "fee_grosze", "standard_form__current", "unit_form__current")


def service_to_file_get(*, kind: str, slug: str) -> ServiceToFile:
    """What filing an application for an offered service needs (cached: filing_cache); raises LookupError
    when this unit does not offer it."""
    plain = filing_cache.cached(kind, slug, lambda: _to_file_plain(_service_to_file_read(kind=kind, slug=slug)))
    try:
        return _to_file_from_plain(plain)
    except RowShapeChanged:  # cached by another release of the form models: read afresh
        return _service_to_file_read(kind=kind, slug=slug)


# The form versions a service is filed with, by the label the filing cache knows them by.
_FORM_MODELS = {model._meta.label_lower: model for model in (StandardFormVersion, UnitFormVersion)}


def _to_file_plain(service: ServiceToFile) -> dict:
    """`service` as the filing cache keeps it: plain values, its form version's row among them."""
    plain = {field.name: getattr(service, field.name) for field in fields(service) if field.name != "form"}
    if service.form is not None:
        plain["form"] = {"model": service.form._meta.label_lower, "row": row_to_plain(service.form)}
    return plain


def _to_file_from_plain(plain: dict) -> ServiceToFile:
    form = plain.get("form")
    version = row_from_plain(_FORM_MODELS[form["model"]], form["row"]) if form else None
    return ServiceToFile(**{**plain, "form": version})


def _service_to_file_read(*, kind: str, slug: str) -> ServiceToFile:
    if kind == STANDARD:
        adopted = (
            offered_services()
            .filter(standard_service__slug=slug)
            .order_by()
            .select_related("standard_service__published__form__current")
            .only(*_TO_FILE_OF_ADOPTED)
            .first()
        )
        if adopted is None:
            raise _not_offered(slug)
        return ServiceToFile(**_to_file_of_adopted(adopted))
    own = (
        UnitService.objects.filter(enabled=True, slug=slug)
        .select_related("standard_form__current", "unit_form__current")
        .only(*_TO_FILE_OF_OWN)
        .first()
    )
    if own is None:
        raise LookupError(slug)
    return ServiceToFile(
        OWN,
        own.slug,
        own.name,
        own.short_description,
        own_id=own.pk,
        fee_grosze=own.fee_grosze,
        form=_form_version_of_own(own),
    )


def form_url_of_key(service_key: str) -> str | None:
    """Where the form of a service known by its key is filled in; None when the unit no longer offers it."""
    kind, identifier = service_key.split(":", 1)
    if kind == STANDARD:
        return reverse("service-form", args=[identifier])
    slug = UnitService.objects.filter(pk=identifier).values_list("slug", flat=True).first()
    return reverse("own-service-form", args=[slug]) if slug else None
